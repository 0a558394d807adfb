"""The attendee's pages: join, the marketplace (propose, vote), the wall with "I'm going"."""

from fastapi import APIRouter

router = APIRouter()
