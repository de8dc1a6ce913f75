import ArgumentParser

/// The `motcua` command: the one-stop e-government support desk.
@main
struct Motcua: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "motcua",
        abstract: "motcua — bàn hỗ trợ một cửa cho chính phủ điện tử.",
        subcommands: [Serve.self, Chat.self, Tickets.self, Docs.self, ReportCommand.self, AdapterCommand.self, Import.self, Units.self, Handlers.self, GatewaysCommand.self, Backup.self, Restore.self, Export.self, PrivacyCommand.self, Ask.self, Evaluate.self,
                      Calibrate.self])
}
