// Package scenario holds one suite of end-to-end scenarios — users, SSO and
// API keys — that runs against the embedded fake always, and against the
// real services when PARTNERAPI_ORG and PARTNERAPI_KEY are set (with
// PARTNERAPI_PARTNER and optionally PARTNERAPI_KEYS_KEY for the keys API).
// It has no code of its own: the scenarios are its tests.
package scenario
