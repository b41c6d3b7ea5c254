//! The attributes a business gives its customers (tier, region, language,
//! ...), by which the fairness audit groups them.

use crate::{App, AppError, Caller, required_text};
use rapport_core::{CustomerId, Permission};
use std::collections::BTreeMap;

/// The longest attribute name, in characters.
pub const MAX_NAME: usize = 40;
/// The longest attribute value, in characters.
pub const MAX_VALUE: usize = 200;
/// The most attributes one customer has.
pub const MAX_ATTRIBUTES: usize = 32;

/// Checks an attribute name: a lowercase letter, then lowercase letters,
/// digits, `_` or `-` (so it can be written in `--by NAME` and a URL).
fn check_name(name: &str) -> Result<(), AppError> {
    let mut chars = name.chars();
    let good_start = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let good_rest =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !good_start || !good_rest || name.len() > MAX_NAME {
        return Err(AppError::invalid(
            "attributes",
            msg!(
                "error.attributes.bad_name",
                name = format!("{name:?}"),
                max = MAX_NAME - 1
            ),
        ));
    }
    Ok(())
}

impl App {
    /// A customer's attributes by name.
    pub async fn customer_attributes(
        &self,
        caller: &Caller,
        customer: CustomerId,
    ) -> Result<BTreeMap<String, String>, AppError> {
        caller.require(Permission::Read, "read customers")?;
        Ok(self.store().customer_attributes(customer).await?)
    }

    /// Sets attributes (a value) and removes them (`None`), all or none;
    /// returns the customer's attributes after the change (leads and admins).
    pub async fn set_customer_attributes(
        &self,
        caller: &Caller,
        customer: CustomerId,
        changes: &BTreeMap<String, Option<String>>,
    ) -> Result<BTreeMap<String, String>, AppError> {
        caller.require(
            Permission::EditCustomerAttributes,
            "set customer attributes",
        )?;
        if changes.len() > MAX_ATTRIBUTES {
            return Err(AppError::invalid(
                "attributes",
                msg!("error.attributes.at_once", max = MAX_ATTRIBUTES),
            ));
        }
        let mut checked = Vec::with_capacity(changes.len());
        for (name, value) in changes {
            check_name(name)?;
            let value = value
                .as_deref()
                .map(|v| required_text("attributes", v, MAX_VALUE))
                .transpose()?;
            checked.push((name.clone(), value));
        }
        let mut after = self.store().customer_attributes(customer).await?;
        for (name, value) in &checked {
            match value {
                Some(v) => after.insert(name.clone(), v.clone()),
                None => after.remove(name),
            };
        }
        if after.len() > MAX_ATTRIBUTES {
            return Err(AppError::invalid(
                "attributes",
                msg!("error.attributes.too_many", max = MAX_ATTRIBUTES),
            ));
        }
        self.store()
            .set_customer_attributes(customer, &checked)
            .await?;
        Ok(self.store().customer_attributes(customer).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn attribute_names_are_lowercase_words() {
        for good in ["tier", "region", "customer-tier", "plan_2", "a"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Tier",
            "2nd",
            "_x",
            "tier name",
            "tier\0",
            "é",
            &"x".repeat(41),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
