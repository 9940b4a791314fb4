"""The project's one error type: raised for bad input, shown as one line."""


class InputError(ValueError):
    """Bad input (missing, empty, binary, undecodable or unparsable text).

    The command line prints ``error: <message>`` and exits with status 2.
    """
