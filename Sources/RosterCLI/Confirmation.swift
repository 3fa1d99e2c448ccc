import ArgumentParser
import Foundation

/// What a destructive command asks before it acts: `--yes`, or the word typed at a terminal.
/// Without a terminal and without `--yes` it refuses, so that `echo n | roster audit clear` (or a
/// script that forgot the flag) never deletes anything.
enum Confirmation {
    static func require(_ what: String, word: String, yes: Bool, isTerminal: Bool = isatty(0) != 0) throws {
        if yes { return }
        guard isTerminal else {
            throw CLIError("Refusing to \(what) without --yes: the input is not a terminal, so nobody can confirm. Nothing was changed.")
        }
        print("This will \(what). Type '\(word)' to confirm: ", terminator: "")
        guard readLine() == word else { throw CLIError("Not confirmed; nothing was changed.") }
    }
}
