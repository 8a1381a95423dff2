//go:build !nocontrol

package mockserver

// controlPlaneServed says whether the route table's control-plane lines
// are installed. Building with the tag nocontrol leaves them out, so that
// the API's hot path can be measured with and without the control plane
// (scripts/load); nothing else depends on it.
const controlPlaneServed = true
