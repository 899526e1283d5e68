//! The event catalog's descriptions in the reader's language. They stay on the server (see
//! `domain::catalog::descriptions`) so the WebAssembly does not carry ~500 sentences that
//! only the catalog page shows.

use crate::domain::catalog::CatalogDescriptions;
use crate::domain::AppError;
use leptos::prelude::*;

/// The catalog's source and event-type descriptions in `locale` (`en`, `ja`, `zh`); empty
/// for English, which the catalog itself holds. Public reference text, like the catalog it
/// describes, so no session is needed.
#[server(prefix = "/api/ui", endpoint = "catalog_descriptions")]
pub async fn get_catalog_descriptions(locale: String) -> Result<CatalogDescriptions, AppError> {
    use crate::domain::catalog::descriptions;
    use crate::domain::lang::Lang;
    let result = Lang::parse(&locale)
        .map(descriptions::in_language)
        .ok_or_else(|| AppError::invalid("locale", "must be one of en, ja, zh"));
    super::ctx::respond(result)
}
