-- An agent is told when the customer answers a solved ticket they own
-- (it opens again) or a closed one (a follow-up ticket continues it).
{check notifications.kind IN ('sla_warning', 'sla_breach', 'promise_reminder', 'promise_broken', 'mention', 'recovery_task', 'customer_answered')}
