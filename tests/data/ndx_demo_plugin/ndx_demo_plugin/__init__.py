"""A third-party tab for neurodynex-gui: exponential decay of a membrane potential."""
