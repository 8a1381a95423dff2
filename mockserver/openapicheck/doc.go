// Package openapicheck proves that the fake's OpenAPI document
// (mockserver/openapi.json, served at /_mock/openapi.json) is a valid
// OpenAPI 3.1 document and that the fake's answers, for every operation,
// validate against it. It is a module of its own so that the validator,
// github.com/pb33f/libopenapi-validator, never enters the module graph of
// programs that use the SDK or the fake. It has no code of its own: the
// proofs are its tests.
package openapicheck
