"""The exceptions quench raises.

Bad input is a :class:`ValueError` (as numpy and scikit-learn have it), so
``except ValueError`` catches a bad spec or a bad argument; failures of the
computation itself are :class:`QuenchError` s that are not ``ValueError`` s.
Each carries ``exit_status``, what the command line would exit with (2 for
bad input, 1 for a failure).
"""

from __future__ import annotations

from typing import Optional

__all__ = ["QuenchError", "InputError", "SpecError"]


class QuenchError(Exception):
    """A failure of quench (a solver that did not converge, a file that
    could not be written, ...)."""

    def __init__(self, message: str, *, exit_status: int = 1) -> None:
        super().__init__(message)
        self.exit_status = exit_status


class InputError(QuenchError, ValueError):
    """Bad input: an argument, an output directory, a checkpoint. The
    message names the parameter or path and says what is allowed."""

    def __init__(self, message: str, *, exit_status: int = 2) -> None:
        super().__init__(message, exit_status=exit_status)


class SpecError(InputError):
    """A spec that does not validate: ``file``, ``line`` and ``key`` say
    where, ``allowed`` what would be accepted. Nothing was started."""

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        line: int = 0,
        key: Optional[str] = None,
        allowed: Optional[str] = None,
        exit_status: int = 2,
    ) -> None:
        super().__init__(message, exit_status=exit_status)
        self.file = file
        self.line = line
        self.key = key
        self.allowed = allowed
