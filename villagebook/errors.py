"""The build's one error: a step failed, and its message says which notebook, cell or step."""


class BuildError(RuntimeError):
    """A step of the build failed; the message says which notebook, cell or step."""
