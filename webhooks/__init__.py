"""Webhooks: outbound partner webhooks: endpoints, deliveries, signing, retries."""
