//! Canned replies in the composer: every saved template but the system's
//! (acknowledgment, survey), in the customer's language when saved in it, rendered for one ticket (the customer's name, the ticket
//! number, the agent's name, the business's hours) in the same sandbox as
//! the templates' save-time check.

use crate::hours::customer_time_in;
use crate::outbound::first_name;
use crate::templates::{SYSTEM_TEMPLATES, render};
use crate::{App, AppError, Caller};
use minijinja::Value;
use rapport_core::{Permission, TicketId, Timestamp};
use std::collections::BTreeMap;

/// A canned reply, personalised for a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedReply {
    /// The template's name.
    pub name: String,
    /// The text to insert.
    pub body: String,
}

impl App {
    /// The canned replies, rendered for this ticket and the caller. A
    /// template that fails to render is left out (and logged).
    pub async fn canned_replies_for(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<Vec<CannedReply>, AppError> {
        caller.require(Permission::Read, "use canned replies")?;
        let all = self.store().templates().await?;
        if all.is_empty() {
            return Ok(Vec::new());
        }
        let found = self.store().ticket(ticket).await?;
        let lang = self.customer_lang(found.customer_id).await?;
        // One per name: the customer's language's, else the English one.
        let mut by_name: BTreeMap<String, rapport_store::TemplateRecord> = BTreeMap::new();
        for t in all {
            if SYSTEM_TEMPLATES.contains(&t.name.as_str()) {
                continue;
            }
            let wanted = t.language == lang.as_str();
            if wanted || (t.language == "en" && !by_name.contains_key(&t.name)) {
                by_name.insert(t.name.clone(), t);
            }
        }
        let templates: Vec<_> = by_name.into_values().collect();
        let (customer, agent) = tokio::try_join!(
            self.store().customer(found.customer_id),
            self.store().agent(caller.agent_id),
        )?;
        let (calendar, minutes) = self.first_response_promise(ticket).await?;
        let now = Timestamp::now();
        let promise = self.response_promise(&calendar, now, minutes);
        let response_by = customer_time_in(lang, &calendar, promise.response_by, now);
        let mail = &self.config().mail;
        let text = |s: String| Value::from(s);
        let variables: BTreeMap<&'static str, Value> = BTreeMap::from([
            ("customer_name", text(customer.name.clone())),
            ("customer_first_name", text(first_name(&customer.name))),
            ("agent_name", text(agent.name.clone())),
            ("ticket_number", text(format!("#{}", ticket.0))),
            ("ticket_tag", text(mail.subject_tag.format(ticket.0))),
            ("subject", text(found.subject.clone())),
            (
                "response_target",
                text(format!("{} {response_by}", lang.text("mail.by"))),
            ),
            ("response_by", text(response_by)),
            ("open_now", Value::from(promise.open_now)),
            (
                "opens_at",
                text(customer_time_in(lang, &calendar, promise.opens_at, now)),
            ),
            ("business_name", text(mail.business_name.clone())),
        ]);
        let mut out = Vec::with_capacity(templates.len());
        for template in templates {
            match render(&template.body, &variables) {
                Ok(body) => out.push(CannedReply {
                    name: template.name,
                    body,
                }),
                Err(e) => {
                    tracing::warn!(template = %template.name, error = %e, "a canned reply does not render")
                }
            }
        }
        Ok(out)
    }
}
