//! Following a city, a network, a policy area or what is near a place: by Atom feed
//! (`/feeds/follow.atom`, [`crate::feeds::follow`]) and by e-mail, without an account
//! (`/{lang}/follow`, [`crate::pages::follow`]).
//!
//! E-mail follows are a double opt-in: a subscription is written unconfirmed with a random
//! token, and only the link mailed to the address confirms it. A confirmed subscription gets
//! a weekly digest of what changed ([`digest`]), when something did. Every mail carries
//! `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058), so one POST ends it. An
//! address is stored only while it is subscribed: unsubscribing deletes the subscription and
//! every mail written for it, and unconfirmed subscriptions are deleted after a week.

pub mod changes;
pub mod digest;
pub mod subscription;
pub mod target;
pub mod words;

pub use changes::{Change, ChangeKind};
pub use target::{Followed, Target};
