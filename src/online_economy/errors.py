"""The project's one error type: raised for bad input, shown as one line."""


class InputError(ValueError):
    """Bad input (missing, empty, binary, undecodable or unparsable); the CLI prints one line."""
