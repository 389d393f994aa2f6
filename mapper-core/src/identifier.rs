//! Port's identifier rules for entities, blueprints and properties.

/// Largest entity identifier Port accepts, in characters.
pub const MAX_ENTITY_IDENTIFIER: usize = 1000;
/// Largest blueprint identifier Port accepts, in characters.
pub const MAX_BLUEPRINT_IDENTIFIER: usize = 100;
/// Largest property identifier Port accepts, in characters.
pub const MAX_PROPERTY_IDENTIFIER: usize = 100;

fn not_dots(s: &str) -> bool {
    s != "." && s != ".."
}

/// Check an entity identifier: `^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$`, at most 1000 characters.
pub fn check_entity_identifier(s: &str) -> Result<(), String> {
    check(s, "entity identifier", MAX_ENTITY_IDENTIFIER, |c| {
        c.is_alphabetic() || c.is_ascii_digit() || "@_.+:\\/=-".contains(c)
    })
}

/// Check a blueprint identifier: `^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$`, at most 100 characters.
pub fn check_blueprint_identifier(s: &str) -> Result<(), String> {
    check(s, "blueprint identifier", MAX_BLUEPRINT_IDENTIFIER, |c| {
        c.is_alphabetic() || c.is_ascii_digit() || "@_.+:\\/-".contains(c)
    })
}

/// Check a property identifier: `^[A-Za-z0-9@_=\\-]+$`, at most 100 characters.
pub fn check_property_identifier(s: &str) -> Result<(), String> {
    check(s, "property identifier", MAX_PROPERTY_IDENTIFIER, |c| {
        c.is_ascii_alphanumeric() || "@_=\\-".contains(c)
    })
    .and_then(|()| {
        if not_dots(s) {
            Ok(())
        } else {
            Err(format!("property identifier \"{s}\" is not allowed"))
        }
    })
}

fn check(s: &str, what: &str, max: usize, allowed: impl Fn(char) -> bool) -> Result<(), String> {
    let len = s.chars().count();
    if len == 0 {
        return Err(format!("{what} is empty"));
    }
    if len > max {
        return Err(format!("{what} is {len} characters long; Port allows at most {max}"));
    }
    if !not_dots(s) {
        return Err(format!("{what} \"{s}\" is not allowed (\".\" and \"..\" are reserved)"));
    }
    if let Some(c) = s.chars().find(|c| !allowed(*c)) {
        let shown: String = s.chars().take(80).collect();
        return Err(format!(
            "{what} \"{shown}\" contains '{c}' (U+{:04X}), which Port does not allow",
            u32::from(c)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_identifiers() {
        assert!(check_entity_identifier("ai-agent").is_ok());
        assert!(check_entity_identifier("a/b:c=d@e.f+g\\h_ü").is_ok());
        assert!(check_entity_identifier("..").is_err());
        assert!(check_entity_identifier("a b").is_err());
        assert!(check_entity_identifier("").is_err());
        assert!(check_entity_identifier(&"x".repeat(1000)).is_ok());
        assert!(check_entity_identifier(&"x".repeat(1001)).is_err());
    }

    #[test]
    fn blueprint_and_property_identifiers() {
        assert!(check_blueprint_identifier("space_lift_stack").is_ok());
        assert!(check_blueprint_identifier("a=b").is_err());
        assert!(check_property_identifier("git_provider").is_ok());
        assert!(check_property_identifier("a.b").is_err());
        assert!(check_property_identifier("ü").is_err());
    }
}
