//! Tests of the calendar.
