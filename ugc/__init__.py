"""UGC: requests for user-generated content, automation rules, public submission (issue 5)."""
