import Dialogue
import Wire

extension ChatSession {
    /// Signs the connection in as a handler whose token was checked elsewhere (a console
    /// page, signed in by its browser session): from now on it is as if it had sent `login` —
    /// the same rights, pushes and re-checks of the token.
    /// - Returns: the `welcome` a `login` would have answered.
    package func adopt(_ handler: Handler) -> SessionOutput {
        if mode == .undecided { mode = .json }
        self.handler = handler
        return encode(.loggedIn(handler), to: .whoami, re: nil)
    }
}
