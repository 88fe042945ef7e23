process.stdout.write("| bench | value |\n|---|---|\n| (not yet written) | |\n");
