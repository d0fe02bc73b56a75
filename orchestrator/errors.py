"""Errors that reach the user as one line, never as a traceback."""


class UserError(Exception):
    """Bad input from the user (a spec, a sweep folder, a CSV): the message says what and where.

    ``exit_code`` is 1 for bad input and 2 for usage errors, as the CLI contracts say.
    """

    exit_code = 1

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
