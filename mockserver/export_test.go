package mockserver

// ControlPlaneServed says, to the external tests, whether this build
// serves the control plane (not with the tag nocontrol).
const ControlPlaneServed = controlPlaneServed
