//! Customers: one record per person across every channel.

use crate::i18n::Lang;
use crate::{App, AppError, Caller, Principal, required_text};
use rapport_core::{
    CustomerEvent, CustomerId, IdentityKind, Permission, TicketId, normalize_identity,
};
use rapport_store::{CustomerRecord, IdentityRecord};

/// The longest part of a name a customer search takes, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Normalises identities given as (kind, value), refusing duplicates.
pub fn normalize_identities(
    given: &[(IdentityKind, String)],
) -> Result<Vec<IdentityRecord>, AppError> {
    let mut out: Vec<IdentityRecord> = Vec::with_capacity(given.len());
    for (kind, value) in given {
        crate::plain_text("identities", value)?;
        let value = normalize_identity(*kind, value)
            .map_err(|m| AppError::invalid("identities", crate::core_words::identity_words(&m)))?;
        if out.iter().any(|i| i.kind == *kind && i.value == value) {
            return Err(AppError::invalid(
                "identities",
                msg!("error.customers.twice", value = value),
            ));
        }
        out.push(IdentityRecord { kind: *kind, value });
    }
    Ok(out)
}

/// The name to record for a new customer: the one given, or the local part of the address.
pub(crate) fn name_or_local_part(name: &str, email: &str) -> String {
    match name.trim() {
        "" => email.split('@').next().unwrap_or("customer").to_string(),
        n => n.chars().take(200).collect(),
    }
}

impl App {
    /// The language a customer reads the portal and our mail in (stored),
    /// English when not known.
    pub async fn customer_lang(&self, id: CustomerId) -> Result<Lang, AppError> {
        let code = self.store.customer_language(id).await?;
        Ok(Lang::from_stored(code.as_deref()).unwrap_or_default())
    }

    /// The stored language of a customer, if any (for the portal, which
    /// otherwise follows the browser).
    pub async fn customer_stored_lang(&self, id: CustomerId) -> Result<Option<Lang>, AppError> {
        let code = self.store.customer_language(id).await?;
        Ok(Lang::from_stored(code.as_deref()))
    }

    /// The language of the customer of a ticket.
    pub(crate) async fn ticket_customer_lang(&self, ticket: TicketId) -> Result<Lang, AppError> {
        let found = self.store.ticket(ticket).await?;
        self.customer_lang(found.customer_id).await
    }

    /// Records the language a customer used or chose (the portal's
    /// switcher, the language of their browser or mail when they wrote).
    pub async fn note_customer_lang(&self, id: CustomerId, lang: Lang) -> Result<(), AppError> {
        Ok(self
            .store
            .set_customer_language(id, Some(lang.as_str()))
            .await?)
    }

    /// Creates a customer.
    pub async fn create_customer(
        &self,
        caller: &Caller,
        name: &str,
        identities: &[(IdentityKind, String)],
    ) -> Result<CustomerRecord, AppError> {
        caller.require(Permission::Work, "create customers")?;
        let name = required_text("name", name, 200)?;
        let identities = normalize_identities(identities)?;
        Ok(self.store.insert_customer(&name, &identities).await?)
    }

    /// One customer's record (identities, language): agents only.
    pub async fn customer(
        &self,
        who: &Principal,
        id: CustomerId,
    ) -> Result<CustomerRecord, AppError> {
        who.agent(Permission::Read, "read customers")?;
        Ok(self.store.customer(id).await?)
    }

    /// A customer's addresses that bounce: (address, since, reason); agents only.
    pub async fn bouncing_addresses(
        &self,
        who: &Principal,
        id: CustomerId,
    ) -> Result<Vec<(String, rapport_core::Timestamp, Option<String>)>, AppError> {
        who.agent(Permission::Read, "read customers")?;
        Ok(self.store.bouncing_addresses(id).await?)
    }

    /// Customers by id after a cursor, optionally by the words of the name
    /// (case-folded word prefixes, at most [`MAX_SEARCH_CHARS`]); agents only.
    pub async fn customers(
        &self,
        who: &Principal,
        after: i64,
        limit: i64,
        name: Option<&str>,
    ) -> Result<Vec<CustomerRecord>, AppError> {
        who.agent(Permission::Read, "list customers")?;
        if let Some(name) = name {
            crate::plain_text("name", name)?;
            if name.chars().count() > MAX_SEARCH_CHARS {
                return Err(AppError::invalid(
                    "name",
                    msg!("error.customers.search_chars", max = MAX_SEARCH_CHARS),
                ));
            }
        }
        Ok(self.store.customers(after, limit, name).await?)
    }

    /// Renames a customer or replaces their identities. The identities
    /// decide where replies are mailed, so replacing them needs a lead and
    /// is recorded in the customer's history.
    pub async fn update_customer(
        &self,
        caller: &Caller,
        id: CustomerId,
        name: Option<&str>,
        identities: Option<&[(IdentityKind, String)]>,
        language: Option<&str>,
    ) -> Result<CustomerRecord, AppError> {
        caller.require(Permission::Work, "change customers")?;
        let language = language
            .map(|code| Lang::parse_setting("language", code))
            .transpose()?;
        if identities.is_some() {
            caller.require(
                Permission::EditCustomerIdentities,
                "change a customer's addresses",
            )?;
        }
        let name = name.map(|n| required_text("name", n, 200)).transpose()?;
        let identities = identities.map(normalize_identities).transpose()?;
        let mut customer = self
            .store
            .update_customer(id, name.as_deref(), identities.as_deref(), caller.agent_id)
            .await?;
        if let Some(language) = language {
            let code = language.map(|l| l.to_string());
            self.store
                .set_customer_language(id, code.as_deref())
                .await?;
            customer.language = code;
        }
        Ok(customer)
    }

    /// The recorded changes to a customer's addresses, oldest first; agents only.
    pub async fn customer_events(
        &self,
        who: &Principal,
        id: CustomerId,
    ) -> Result<Vec<CustomerEvent>, AppError> {
        who.agent(Permission::Read, "read customers")?;
        self.store.customer(id).await?;
        Ok(self.store.customer_events(id).await?)
    }

    /// Deletes a customer without tickets (admins).
    pub async fn delete_customer(&self, caller: &Caller, id: CustomerId) -> Result<(), AppError> {
        caller.require(Permission::DeleteRecords, "delete customers")?;
        self.store
            .delete_customer(id)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => AppError::Conflict(msg!("error.customers.has_tickets")),
                other => other,
            })
    }

    /// Finds the customer with this e-mail address, or creates one.
    pub async fn customer_for_email(
        &self,
        email: &str,
        name: &str,
    ) -> Result<CustomerId, AppError> {
        let email = normalize_identity(IdentityKind::Email, email).map_err(|m| {
            AppError::invalid("customer_email", crate::core_words::identity_words(&m))
        })?;
        if let Some(id) = self
            .store
            .customer_by_identity(IdentityKind::Email, &email)
            .await?
        {
            return Ok(id);
        }
        let name = name_or_local_part(name, &email);
        let identity = IdentityRecord {
            kind: IdentityKind::Email,
            value: email.clone(),
        };
        match self.store.insert_customer(&name, &[identity]).await {
            Ok(c) => Ok(c.id),
            // Someone created the same address meanwhile: use theirs.
            Err(rapport_store::StoreError::Conflict(_)) => self
                .store
                .customer_by_identity(IdentityKind::Email, &email)
                .await?
                .ok_or(AppError::NotFound("customer")),
            Err(e) => Err(e.into()),
        }
    }
}
