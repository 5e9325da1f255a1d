import ArgumentParser

/// `offboard --generate-completion-script bash`, mended: swift-argument-parser 1.8.2's script
/// looks an option already on the command line up among the flags twice (the second loop, for
/// a word not found among the flags), never among the options, so `--from-file x --fr<Tab>`
/// offered `--from-file` again. That loop is pointed at the options here, where the script is
/// made, so the checked-in completions and the binary agree.
enum BashCompletion {
    static let secondLookup = #"if "${not_found}"; then"#

    /// The script when `arguments` ask for bash's, else nil.
    static func script(for arguments: [String]) -> String? {
        guard arguments == ["--generate-completion-script", "bash"] || arguments == ["--generate-completion-script=bash"] else { return nil }
        var script = Offboard.completionScript(for: .bash)
        if let start = script.firstRange(of: secondLookup), let end = script[start.upperBound...].firstRange(of: "done") {
            let loop = script[start.upperBound..<end.lowerBound].replacing("non_repeating_flags", with: "non_repeating_options")
            script.replaceSubrange(start.upperBound..<end.lowerBound, with: loop)
        }
        return script + "\n"
    }
}
