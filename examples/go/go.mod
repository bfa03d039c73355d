module libivs/examples/go

go 1.19

require libivs/ivs v0.0.0

// The binding in this repository; an application outside it points at its own copy.
replace libivs/ivs => ../../bindings/go
