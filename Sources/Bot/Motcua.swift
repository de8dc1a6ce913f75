import ArgumentParser
import CommandOptions

/// The `motcua` command: the one-stop e-government support desk.
@main
struct Motcua: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "motcua",
        abstract: "motcua — bàn hỗ trợ một cửa cho chính phủ điện tử.",
        subcommands: [Serve.self, Chat.self, Tickets.self, Docs.self, ReportCommand.self, AdapterCommand.self, Import.self, Units.self, Handlers.self, GatewaysCommand.self, Backup.self, Restore.self, Export.self, PrivacyCommand.self, LearnedCommand.self, Ask.self, Evaluate.self,
                      Calibrate.self])

    /// ArgumentParser's own `main`, with `serve --config-file FILE` read first: the file's
    /// settings become arguments before the command line's (see `ConfigFile`).
    static func main() async {
        do {
            var command = try parseAsRoot(try arguments(Array(CommandLine.arguments.dropFirst())))
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    /// The arguments to parse: `serve`'s configuration file, if it names one, expanded.
    static func arguments(_ commandLine: [String]) throws -> [String] {
        guard commandLine.first == Serve._commandName else { return commandLine }
        return [Serve._commandName] + (try ConfigFile.expand(Array(commandLine.dropFirst()), for: Serve.self))
    }
}
