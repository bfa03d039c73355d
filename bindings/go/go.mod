module libivs/ivs

go 1.19
