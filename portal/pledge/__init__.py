"""The pledge: professionals on a case promise to follow it, and the family sees who has."""
