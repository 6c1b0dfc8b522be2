//! Just enough of a Dockerfile to point at the line a build failed on: where each instruction
//! starts (the builder numbers them "Step 3/7"), with comments, blank lines, parser directives
//! and `\` line continuations skipped as the builder skips them, and the line number in the
//! builder's own parse errors ("Dockerfile parse error line 4: …").

/// The 1-based line on which each instruction starts, in order.
pub fn instruction_lines(text: &str) -> Vec<usize> {
    let escape = escape_character(text);
    let mut starts = Vec::new();
    let mut continuing = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        // Comments and blank lines are skipped, also inside a continued instruction.
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if !continuing {
            starts.push(index + 1);
        }
        continuing = trimmed.ends_with(escape);
    }
    starts
}

/// The line of instruction `step` (1-based), if the Dockerfile has that many.
pub fn line_of_step(text: &str, step: usize) -> Option<usize> {
    instruction_lines(text).get(step.checked_sub(1)?).copied()
}

/// The line on which the instruction a builder names ("RUN make all", as BuildKit prints it)
/// starts: the first instruction whose text begins the same way, spaces aside.
pub fn line_of_instruction(text: &str, instruction: &str) -> Option<usize> {
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let wanted = squeeze(instruction);
    let lines: Vec<&str> = text.lines().collect();
    instruction_lines(text).into_iter().find(|line| {
        let start = squeeze(lines[line - 1]);
        let start = start.trim_end_matches('\\').trim_end();
        !start.is_empty() && (wanted.starts_with(start) || start.starts_with(&wanted))
    })
}

/// The line number a builder error names (`… line 4: …`), if any.
pub fn line_in_error(message: &str) -> Option<usize> {
    let after = message.split("line ").nth(1)?;
    after.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The `# escape=` directive's character, else `\`.
fn escape_character(text: &str) -> char {
    for line in text.lines() {
        let Some(directive) = line.trim().strip_prefix('#') else { break };
        if let Some((key, value)) = directive.split_once('=') {
            if key.trim().eq_ignore_ascii_case("escape") {
                return value.trim().chars().next().unwrap_or('\\');
            }
        }
    }
    '\\'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_map_to_the_lines_their_instructions_start_on() {
        let text = "# syntax=docker/dockerfile:1\nFROM scratch\n\n# a comment\nCOPY a /a\nRUN one \\\n    two \\\n\n    three\nCMD [\"x\"]\n";
        assert_eq!(instruction_lines(text), [2, 5, 6, 10]);
        assert_eq!(line_of_step(text, 3), Some(6));
        assert_eq!(line_of_step(text, 9), None);
        assert_eq!(line_of_instruction(text, "RUN one     two     three"), Some(6));
        assert_eq!(line_of_instruction(text, "CMD [\"x\"]"), Some(10));
        assert_eq!(line_of_instruction(text, "RUN other"), None);
        let backtick = "# escape=`\nFROM scratch\nRUN a `\n  b\nCMD c\n";
        assert_eq!(instruction_lines(backtick), [2, 3, 5]);
    }

    #[test]
    fn parse_errors_name_their_line() {
        assert_eq!(line_in_error("Dockerfile parse error line 4: unknown instruction: FORM"), Some(4));
        assert_eq!(line_in_error("The command '/bin/sh -c false' returned a non-zero code: 1"), None);
    }
}
