// The steps log JSON lines through Powertools; workflow tests keep stdout readable unless asked otherwise.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
