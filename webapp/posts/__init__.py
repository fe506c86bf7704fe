"""岗位管理: an enterprise creates, renames, merges and retires its posts; adopts or copies built-in ones."""
