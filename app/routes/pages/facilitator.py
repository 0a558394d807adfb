"""The facilitator's page: rooms, slots, phases, moderation."""

from fastapi import APIRouter

router = APIRouter()
