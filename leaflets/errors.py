"""The two kinds of problem the CLI turns into exit code 2, in a module of their own so that any
module can raise them without importing the JSON loader or the build (and without an import cycle).

Content and render problems are not exceptions: they are findings and failures in a result (exit 1).
"""

from __future__ import annotations


class UsageError(Exception):
    """A problem with what the user asked for (a missing path, an empty folder, a bad configuration)."""


class BuildError(Exception):
    """A problem with what a build was asked for (an unknown format, a bad brand, a path it refuses to write)."""
