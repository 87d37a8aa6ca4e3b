"""Pure numerics of every model: no Qt. This package is also the scripting API for students."""
