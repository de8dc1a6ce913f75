import ArgumentParser
import Foundation

/// A command's options kept in a JSON file (`motcua serve --config-file /etc/motcua/motcua.json`):
/// each key is an option's long name (`"data"`, `"http"`, `"tls-cert"`, `"max-connections"`),
/// each value what would follow it on the command line — a string or a number; `true` for a
/// flag; a list for an option given several times (`"http-origin": ["https://a", "https://b"]`).
///
/// The file becomes arguments put before the command line's, and ArgumentParser parses the
/// whole as usual: every option the command has works in the file with no code of its own, and
/// the file's values are checked exactly as typed ones are. An option the command line names
/// replaces the file's (a list too, whole). A key that is not an option of the command is an
/// error that names it.
package enum ConfigFile {
    /// The file cannot be read, is not a JSON object of settings, or names no option.
    package struct Error: Swift.Error, CustomStringConvertible {
        package var description: String
    }

    /// The option that names the file (kept in the arguments, so that the command accepts it).
    package static let option = "config-file"

    /// The command line with the settings of the file it names (`--config-file FILE` or
    /// `--config-file=FILE`) put before it; the command line unchanged when it names none.
    /// - Parameters:
    ///   - arguments: the command's arguments (after its name).
    ///   - command: the command they are for (its options are the keys the file may have).
    /// - Throws: `Error` for an unreadable file, a value of the wrong shape, or an unknown key.
    package static func expand(_ arguments: [String], for command: any ParsableArguments.Type) throws -> [String] {
        guard let path = fileNamed(in: arguments) else { return arguments }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Error(description: "không đọc được tệp cấu hình \(path): \(error.localizedDescription)")
        }
        let settings: [String: Value]
        do {
            settings = try JSONDecoder().decode([String: Value].self, from: data)
        } catch {
            throw Error(description: "tệp cấu hình \(path) phải là một đối tượng JSON {\"tên-tuỳ-chọn\": giá trị, …}: \(error)")
        }
        let known = options(of: command)
        var expanded: [String] = []
        // Sorted, so that the same file always gives the same arguments (and the same first error).
        for key in settings.keys.sorted() {
            let value = settings[key]!
            guard key != option else {
                throw Error(description: "tệp cấu hình \(path): \"\(key)\" không được đặt trong chính tệp cấu hình")
            }
            guard let isFlag = known[key] else {
                throw Error(description: "tệp cấu hình \(path): khoá \"\(key)\" không phải tuỳ chọn nào của lệnh (unknown key \"\(key)\")")
            }
            if names(key, in: arguments) { continue }
            expanded += try self.arguments(key, value, isFlag: isFlag, file: path)
        }
        return expanded + arguments
    }

    /// The file `--config-file` names on the command line, if any (before a `--`).
    static func fileNamed(in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { return nil }
            if argument == "--\(option)", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--\(option)=") { return String(argument.dropFirst(option.count + 3)) }
        }
        return nil
    }

    /// Whether the command line gives option `key` itself.
    static func names(_ key: String, in arguments: [String]) -> Bool {
        for argument in arguments {
            if argument == "--" { return false }
            if argument == "--\(key)" || argument.hasPrefix("--\(key)=") { return true }
        }
        return false
    }

    /// The arguments one setting stands for.
    static func arguments(_ key: String, _ value: Value, isFlag: Bool, file: String) throws -> [String] {
        func wrong(_ expected: String) -> Error {
            Error(description: "tệp cấu hình \(file): \"\(key)\" phải là \(expected)")
        }
        switch value {
        case .null:
            return []
        case .bool(let on):
            guard isFlag else { throw wrong("một giá trị (chuỗi hoặc số), không phải true/false") }
            return on ? ["--\(key)"] : []
        case .list(let items):
            guard !isFlag else { throw wrong("true hoặc false") }
            return try items.flatMap { item -> [String] in
                guard let text = item.argument else { throw wrong("danh sách chuỗi hoặc số") }
                return ["--\(key)=\(text)"]
            }
        case .text, .integer, .number:
            guard !isFlag, let text = value.argument else { throw wrong("true hoặc false") }
            // `--key=value`: a value that starts with "-" is still this option's value.
            return ["--\(key)=\(text)"]
        }
    }

    /// The command's long option names, each with whether it is a flag. Read from
    /// ArgumentParser's own description of the command (the one `--experimental-dump-help`
    /// prints), so that option groups and options added later are known without a list here.
    static func options(of command: any ParsableArguments.Type) -> [String: Bool] {
        struct Dump: Decodable {
            struct Command: Decodable {
                var arguments: [Argument]?
            }
            struct Argument: Decodable {
                struct Name: Decodable {
                    var kind: String
                    var name: String
                }
                var kind: String
                var names: [Name]?
            }
            var command: Command
        }
        guard let dump = try? JSONDecoder().decode(Dump.self, from: Data(command._dumpHelp().utf8)) else { return [:] }
        var options: [String: Bool] = [:]
        for argument in dump.command.arguments ?? [] where argument.kind != "positional" {
            for name in argument.names ?? [] where name.kind == "long" && name.name != "help" && name.name != "version" {
                options[name.name] = argument.kind == "flag"
            }
        }
        return options
    }

    /// A setting's value as JSON has it.
    enum Value: Decodable {
        case null
        case bool(Bool)
        case integer(Int)
        case number(Double)
        case text(String)
        case list([Value])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let bool = try? container.decode(Bool.self) {
                self = .bool(bool)
            } else if let integer = try? container.decode(Int.self) {
                self = .integer(integer)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let list = try? container.decode([Value].self) {
                self = .list(list)
            } else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "một giá trị phải là chuỗi, số, true/false hoặc danh sách")
            }
        }

        /// The value as typed after its option (nil: not one value).
        var argument: String? {
            switch self {
            case .text(let text): text
            case .integer(let integer): String(integer)
            case .number(let number): String(number)
            case .null, .bool, .list: nil
            }
        }
    }
}
