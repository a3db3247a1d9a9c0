-- PLACEHOLDER, NOT A MIGRATION. Branch issue-14 was given migration 0011 while 0010
-- (document numbers) was still on another branch, and migrations must be numbered without a
-- gap. DELETE THIS FOLDER WHEN MERGING issue-14 into a main that has 0010: two folders
-- numbered 0010 make every database open fail ("Multiple migrations detected").
SELECT 1;
