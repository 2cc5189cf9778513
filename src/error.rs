//! The library's one error: a message for the user and its [`ErrorKind`], which decides the
//! command line's exit code (0 success, 1 failure while running, 2 bad input, 130 interrupted).

use std::fmt;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input (a file, a flag, the environment, an output folder that is not govsim's):
    /// nothing was run or written. Exit code 2.
    Input,
    /// A failure while running or writing, or an incomplete sweep. Exit code 1.
    Runtime,
    /// Stopped by Ctrl-C or SIGTERM; the message says what was kept. Exit code 130, the
    /// shell's convention for SIGINT.
    Interrupted,
}

impl ErrorKind {
    /// The exit code of a command that ends with this kind of error.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Input => 2,
            ErrorKind::Runtime => 1,
            ErrorKind::Interrupted => 130,
        }
    }
}

/// Why a command failed: its kind and the whole message (which names the file, folder or flag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into() }
    }

    /// Bad input: nothing was run or written.
    pub fn input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Input, message)
    }

    /// A failure while running or writing.
    pub fn runtime(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Runtime, message)
    }

    /// A stop by Ctrl-C or SIGTERM.
    pub fn interrupted(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Interrupted, message)
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A scenario or district file that cannot be used is bad input.
impl From<crate::scenario::ScenarioError> for Error {
    fn from(e: crate::scenario::ScenarioError) -> Error {
        Error::input(e.to_string())
    }
}

/// An output folder the user must change is bad input; one that cannot be written, a failure.
impl From<crate::output::folder::Refusal> for Error {
    fn from(r: crate::output::folder::Refusal) -> Error {
        match r {
            crate::output::folder::Refusal::Input(m) => Error::input(m),
            crate::output::folder::Refusal::Io(m) => Error::runtime(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_give_the_documented_exit_codes() {
        assert_eq!(Error::runtime("x").kind().exit_code(), 1);
        assert_eq!(Error::input("x").kind().exit_code(), 2);
        assert_eq!(Error::interrupted("x").kind().exit_code(), 130);
        assert_eq!(Error::input("a: b").to_string(), "a: b");
    }
}
