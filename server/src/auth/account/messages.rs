//! The account mails' subjects and texts in four languages.

#[derive(Clone, Copy)]
pub(super) enum Mail {
    Confirm,
    AlreadyRegistered,
    Reset,
    PasswordChanged,
}

/// Subject and body of a message in the account's language (English by default).
pub(super) fn mail(lang: Option<&str>, kind: Mail, link: &str) -> (String, String) {
    let (subject, text) = match (lang.unwrap_or("en"), kind) {
        ("de", Mail::Confirm) => (
            "Haven: E-Mail-Adresse bestätigen",
            "Bitte bestätigen Sie Ihre Adresse mit diesem Link (72 Stunden gültig):",
        ),
        ("fr", Mail::Confirm) => (
            "Haven : confirmez votre adresse",
            "Veuillez confirmer votre adresse avec ce lien (valable 72 heures) :",
        ),
        ("es", Mail::Confirm) => (
            "Haven: confirme su dirección",
            "Confirme su dirección con este enlace (válido 72 horas):",
        ),
        (_, Mail::Confirm) => (
            "Haven: confirm your e-mail address",
            "Please confirm your address with this link (valid for 72 hours):",
        ),
        ("de", Mail::AlreadyRegistered) => (
            "Haven: Konto besteht bereits",
            "Jemand wollte mit dieser Adresse ein Konto anlegen; es besteht schon. Passwort vergessen? Hier anmelden oder zurücksetzen:",
        ),
        ("fr", Mail::AlreadyRegistered) => (
            "Haven : le compte existe déjà",
            "Quelqu'un a voulu créer un compte avec cette adresse ; il existe déjà. Mot de passe oublié ? Connectez-vous ou réinitialisez-le ici :",
        ),
        ("es", Mail::AlreadyRegistered) => (
            "Haven: la cuenta ya existe",
            "Alguien quiso crear una cuenta con esta dirección; ya existe. ¿Olvidó la contraseña? Inicie sesión o restablézcala aquí:",
        ),
        (_, Mail::AlreadyRegistered) => (
            "Haven: account already exists",
            "Someone tried to create an account with this address; it already exists. Forgot your password? Sign in or reset it here:",
        ),
        ("de", Mail::Reset) => (
            "Haven: Passwort zurücksetzen",
            "Mit diesem Link setzen Sie ein neues Passwort (1 Stunde gültig):",
        ),
        ("fr", Mail::Reset) => (
            "Haven : réinitialiser le mot de passe",
            "Ce lien permet de choisir un nouveau mot de passe (valable 1 heure) :",
        ),
        ("es", Mail::Reset) => (
            "Haven: restablecer la contraseña",
            "Con este enlace elige una nueva contraseña (válido 1 hora):",
        ),
        (_, Mail::Reset) => (
            "Haven: reset your password",
            "Use this link to choose a new password (valid for 1 hour):",
        ),
        ("de", Mail::PasswordChanged) => (
            "Haven: Ihr Passwort wurde geändert",
            "Das Passwort Ihres Haven-Kontos wurde soeben geändert; alle Anmeldungen wurden beendet. Waren Sie das nicht? Setzen Sie es hier zurück:",
        ),
        ("fr", Mail::PasswordChanged) => (
            "Haven : votre mot de passe a été modifié",
            "Le mot de passe de votre compte Haven vient d'être modifié ; toutes les sessions ont été fermées. Ce n'était pas vous ? Réinitialisez-le ici :",
        ),
        ("es", Mail::PasswordChanged) => (
            "Haven: su contraseña ha cambiado",
            "La contraseña de su cuenta de Haven acaba de cambiar; se han cerrado todas las sesiones. ¿No fue usted? Restablézcala aquí:",
        ),
        (_, Mail::PasswordChanged) => (
            "Haven: your password was changed",
            "The password of your Haven account was just changed, and every session was signed out. Not you? Reset it here:",
        ),
    };
    (subject.to_owned(), format!("{text}\n\n{link}\n"))
}
