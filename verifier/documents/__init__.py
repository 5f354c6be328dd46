"""Documents: the one record shape, numbers, holder names, issue/revoke/reissue."""
