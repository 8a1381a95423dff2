// Package chaos proves the SDK's and the fake's promises under a hostile
// world: a seeded soak of mixed calls while the fake injects hundreds of
// faults, a tenant-isolation matrix over every endpoint, and a seeded run of
// random requests at the fake. It has no code of its own: the proofs are
// its tests.
package chaos
