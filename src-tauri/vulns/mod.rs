//! Which installed packages are known to be vulnerable, offline. So far: the version orders the
//! matching will compare installed and fixed versions by ([`version_order`]), starting with
//! dpkg's; the OSV database and the matching itself are issue 24's next steps.

pub mod version_order;
