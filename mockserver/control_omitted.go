//go:build nocontrol

package mockserver

// controlPlaneServed is false in a build with the tag nocontrol: the
// route table's control-plane lines are not installed, and /_mock/ is an
// unknown path like any other (see control_compiled.go).
const controlPlaneServed = false
