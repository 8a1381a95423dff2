module github.com/partnerapi/go-partnerapi

go 1.24

require github.com/hashicorp/go-retryablehttp v0.7.8

require github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
