// expat: the XML parser libivs reads AWS STS responses with (query-protocol XML).
#include <expat.h>
