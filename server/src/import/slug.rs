//! Slugs per DESIGN.md "Identifiers": lowercase ASCII, German letters transliterated
//! (Köln → `koeln`, Gießen → `giessen`), other accents dropped (Gdańsk → `gdansk`),
//! words joined by single hyphens.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The slug of `name` (may be empty when `name` has no letters or digits).
#[must_use]
pub fn slugify(name: &str) -> String {
    let mut ascii = String::with_capacity(name.len());
    for character in name.chars() {
        match character {
            'ä' | 'Ä' => ascii.push_str("ae"),
            'ö' | 'Ö' => ascii.push_str("oe"),
            'ü' | 'Ü' => ascii.push_str("ue"),
            'ß' | 'ẞ' => ascii.push_str("ss"),
            'ł' | 'Ł' => ascii.push('l'),
            'ø' | 'Ø' => ascii.push('o'),
            'đ' | 'Đ' => ascii.push('d'),
            'æ' | 'Æ' => ascii.push_str("ae"),
            'œ' | 'Œ' => ascii.push_str("oe"),
            'þ' | 'Þ' => ascii.push_str("th"),
            'ı' => ascii.push('i'),
            other => ascii.extend(other.nfd().filter(|c| !is_combining_mark(*c))),
        }
    }
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_hyphen = false;
    for character in ascii.chars() {
        if character.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(character.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    slug.truncate(120);
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn transliterates_german_and_drops_other_accents() {
        assert_eq!(slugify("Köln"), "koeln");
        assert_eq!(slugify("Düsseldorf"), "duesseldorf");
        assert_eq!(slugify("Gießen"), "giessen");
        assert_eq!(slugify("Gdańsk"), "gdansk");
        assert_eq!(slugify("Liège"), "liege");
        assert_eq!(slugify("Łódź"), "lodz");
        assert_eq!(slugify("Landkreis Göttingen"), "landkreis-goettingen");
        assert_eq!(
            slugify("Neustadt an der Weinstraße"),
            "neustadt-an-der-weinstrasse"
        );
        assert_eq!(slugify("  Frankfurt (Oder) "), "frankfurt-oder");
    }
}
