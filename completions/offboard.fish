function __offboard_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __offboard_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __offboard_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __offboard_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __offboard_parse_tokens -S
    set -l unparsed_tokens (__offboard_tokens -pc)
    switch $unparsed_tokens[1]
    case 'offboard'
        __offboard_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'torii'
            __offboard_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'delete'
                __offboard_parse_subcommand -r 1 'base-url=' 'secret-key-file=' 'rerun' 'from-file=' 'by=' 'o/output=' 'json' 'concurrency=' 'rate=' 'retries=' 'rate-limit-wait=' 'timeout=' 'connect-timeout=' 'cacert=' 'insecure' 'v/verbose' 'no-color' 'y/yes' 'dry-run' 'check' 'no-check' 'verify' 'ignore-not-found' 'journal=' 'q/quiet' 'version' 'h/help'
            case 'show'
                __offboard_parse_subcommand -r 1 'base-url=' 'secret-key-file=' 'from-file=' 'by=' 'o/output=' 'json' 'concurrency=' 'rate=' 'retries=' 'rate-limit-wait=' 'timeout=' 'connect-timeout=' 'cacert=' 'insecure' 'v/verbose' 'no-color' 'version' 'h/help'
            end
        case 'akana'
            __offboard_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'delete'
                __offboard_parse_subcommand -r 1 'base-url=' 'fed-member=' 'auth-token-file=' 'csrf-token-file=' 'from-file=' 'by=' 'o/output=' 'json' 'concurrency=' 'rate=' 'retries=' 'rate-limit-wait=' 'timeout=' 'connect-timeout=' 'cacert=' 'insecure' 'v/verbose' 'no-color' 'y/yes' 'dry-run' 'check' 'no-check' 'verify' 'ignore-not-found' 'journal=' 'q/quiet' 'version' 'h/help'
            case 'show'
                __offboard_parse_subcommand -r 1 'base-url=' 'fed-member=' 'auth-token-file=' 'csrf-token-file=' 'from-file=' 'by=' 'o/output=' 'json' 'concurrency=' 'rate=' 'retries=' 'rate-limit-wait=' 'timeout=' 'connect-timeout=' 'cacert=' 'insecure' 'v/verbose' 'no-color' 'version' 'h/help'
            case 'login'
                __offboard_parse_subcommand 0 'base-url=' 'email=' 'password-stdin' 'timeout=' 'connect-timeout=' 'cacert=' 'insecure' 'v/verbose' 'no-color' 'version' 'h/help'
            case 'logout'
                __offboard_parse_subcommand 0 'base-url=' 'timeout=' 'connect-timeout=' 'cacert=' 'insecure' 'v/verbose' 'no-color' 'version' 'h/help'
            end
        case 'help'
            __offboard_parse_subcommand -r 1 'version'
        end
    end
end

function __offboard_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __offboard_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __offboard_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __offboard_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__offboard_tokens -p)
    if test -z "$(__offboard_tokens -t)"
        set -l index (count (__offboard_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'offboard' -f
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard" -eq 1' -fa 'torii' -d 'Torii server API (api.torii.so).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard" -eq 1' -fa 'akana' -d 'Akana API Platform (a developer portal\'s /api).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard torii" -eq 1' -fa 'delete' -d 'Delete Torii users (DELETE /api/server/v1/users/{userId}).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard torii" -eq 1' -fa 'show' -d 'Look Torii users up, read-only (GET /api/server/v1/users/{userId}).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" base-url' -l 'base-url' -d 'API base URL (default: TORII_BASE_URL, else https://api.torii.so).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" secret-key-file' -l 'secret-key-file' -d 'Read the secret key from this file instead of TORII_SECRET_KEY.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" rerun' -l 'rerun' -d 'This run repeats an earlier one: a 403 is looked up, and a deleted user counts as already deleted.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" from-file' -l 'from-file' -d 'Read IDs one per line from a file; - is standard input.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" by' -l 'by' -d 'What the inputs are: user IDs, or email addresses to find the users by (Torii only).' -rfka 'id email'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" o output' -l 'output' -s 'o' -d 'Result format.' -rfka 'human json'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" json' -l 'json' -d 'Short for --output json.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" concurrency' -l 'concurrency' -d 'Requests in flight at once (1…64).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" rate' -l 'rate' -d 'Start at most n requests per second (0 = no cap); the server\'s rate limits slow it further.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" retries' -l 'retries' -d 'Extra attempts for transient failures (0 disables).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" rate-limit-wait' -l 'rate-limit-wait' -d 'Seconds one user may wait out the server\'s rate limit (429s that say when to come back; they use no retries).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" timeout' -l 'timeout' -d 'Limit for one attempt, whole request, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" connect-timeout' -l 'connect-timeout' -d 'Limit for connecting, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" cacert' -l 'cacert' -d 'Extra CA bundle for TLS verification.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" insecure' -l 'insecure' -d 'Skip TLS verification (prints a warning every run).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" v verbose' -l 'verbose' -s 'v' -d 'HTTP trace on stderr, secrets redacted.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" no-color' -l 'no-color' -d 'No ANSI colour (also when NO_COLOR is set, TERM is dumb or unset, or output is not a terminal).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" y yes' -l 'yes' -s 'y' -d 'Delete without asking (required when no terminal is attached).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" dry-run' -l 'dry-run' -d 'Validate everything and print the requests that would be sent; send nothing.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" check' -l 'check' -d 'Look every user up before the confirmation, and send no DELETE for one already deleted, missing or out of reach (default: on when offboard asks for confirmation).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" no-check' -l 'no-check' -d 'Look every user up before the confirmation, and send no DELETE for one already deleted, missing or out of reach (default: on when offboard asks for confirmation).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" verify' -l 'verify' -d 'Look every user up after its deletion: verified, or failed (not_verified).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" ignore-not-found' -l 'ignore-not-found' -d 'Count a 404 as success (outcome not_found, exit 0).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" journal' -l 'journal' -d 'Record every outcome in this file; a repeated run skips what is done.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" q quiet' -l 'quiet' -s 'q' -d 'Print nothing for successes (human output; a dry run still lists its requests).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" base-url' -l 'base-url' -d 'API base URL (default: TORII_BASE_URL, else https://api.torii.so).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" secret-key-file' -l 'secret-key-file' -d 'Read the secret key from this file instead of TORII_SECRET_KEY.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" from-file' -l 'from-file' -d 'Read IDs one per line from a file; - is standard input.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" by' -l 'by' -d 'What the inputs are: user IDs, or email addresses to find the users by (Torii only).' -rfka 'id email'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" o output' -l 'output' -s 'o' -d 'Result format.' -rfka 'human json'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" json' -l 'json' -d 'Short for --output json.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" concurrency' -l 'concurrency' -d 'Requests in flight at once (1…64).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" rate' -l 'rate' -d 'Start at most n requests per second (0 = no cap); the server\'s rate limits slow it further.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" retries' -l 'retries' -d 'Extra attempts for transient failures (0 disables).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" rate-limit-wait' -l 'rate-limit-wait' -d 'Seconds one user may wait out the server\'s rate limit (429s that say when to come back; they use no retries).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" timeout' -l 'timeout' -d 'Limit for one attempt, whole request, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" connect-timeout' -l 'connect-timeout' -d 'Limit for connecting, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" cacert' -l 'cacert' -d 'Extra CA bundle for TLS verification.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" insecure' -l 'insecure' -d 'Skip TLS verification (prints a warning every run).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" v verbose' -l 'verbose' -s 'v' -d 'HTTP trace on stderr, secrets redacted.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" no-color' -l 'no-color' -d 'No ANSI colour (also when NO_COLOR is set, TERM is dumb or unset, or output is not a terminal).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard torii show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard akana" -eq 1' -fa 'delete' -d 'Delete Akana users (DELETE /api/users/{userID}).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard akana" -eq 1' -fa 'show' -d 'Look Akana users up, read-only (GET /api/users/{userID}).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard akana" -eq 1' -fa 'login' -d 'Log in and save the session for a base URL (mode 0600).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_positional "offboard akana" -eq 1' -fa 'logout' -d 'End the saved session and remove its file (even when the server is unreachable).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" base-url' -l 'base-url' -d 'Platform base URL, e.g. https://developer.acme.com (default: AKANA_BASE_URL).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" fed-member' -l 'fed-member' -d 'Tenant (fedmemberid) of the cookies and of every ID (default: AKANA_FED_MEMBER, the session\'s, else the IDs\').' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" auth-token-file' -l 'auth-token-file' -d 'Read the AtmoAuthToken value from this file instead of AKANA_AUTH_TOKEN.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" csrf-token-file' -l 'csrf-token-file' -d 'Read the Csrf-Token value from this file instead of AKANA_CSRF_TOKEN.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" from-file' -l 'from-file' -d 'Read IDs one per line from a file; - is standard input.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" by' -l 'by' -d 'What the inputs are: user IDs, or email addresses to find the users by (Torii only).' -rfka 'id email'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" o output' -l 'output' -s 'o' -d 'Result format.' -rfka 'human json'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" json' -l 'json' -d 'Short for --output json.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" concurrency' -l 'concurrency' -d 'Requests in flight at once (1…64).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" rate' -l 'rate' -d 'Start at most n requests per second (0 = no cap); the server\'s rate limits slow it further.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" retries' -l 'retries' -d 'Extra attempts for transient failures (0 disables).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" rate-limit-wait' -l 'rate-limit-wait' -d 'Seconds one user may wait out the server\'s rate limit (429s that say when to come back; they use no retries).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" timeout' -l 'timeout' -d 'Limit for one attempt, whole request, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" connect-timeout' -l 'connect-timeout' -d 'Limit for connecting, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" cacert' -l 'cacert' -d 'Extra CA bundle for TLS verification.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" insecure' -l 'insecure' -d 'Skip TLS verification (prints a warning every run).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" v verbose' -l 'verbose' -s 'v' -d 'HTTP trace on stderr, secrets redacted.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" no-color' -l 'no-color' -d 'No ANSI colour (also when NO_COLOR is set, TERM is dumb or unset, or output is not a terminal).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" y yes' -l 'yes' -s 'y' -d 'Delete without asking (required when no terminal is attached).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" dry-run' -l 'dry-run' -d 'Validate everything and print the requests that would be sent; send nothing.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" check' -l 'check' -d 'Look every user up before the confirmation, and send no DELETE for one already deleted, missing or out of reach (default: on when offboard asks for confirmation).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" no-check' -l 'no-check' -d 'Look every user up before the confirmation, and send no DELETE for one already deleted, missing or out of reach (default: on when offboard asks for confirmation).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" verify' -l 'verify' -d 'Look every user up after its deletion: verified, or failed (not_verified).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" ignore-not-found' -l 'ignore-not-found' -d 'Count a 404 as success (outcome not_found, exit 0).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" journal' -l 'journal' -d 'Record every outcome in this file; a repeated run skips what is done.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" q quiet' -l 'quiet' -s 'q' -d 'Print nothing for successes (human output; a dry run still lists its requests).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" base-url' -l 'base-url' -d 'Platform base URL, e.g. https://developer.acme.com (default: AKANA_BASE_URL).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" fed-member' -l 'fed-member' -d 'Tenant (fedmemberid) of the cookies and of every ID (default: AKANA_FED_MEMBER, the session\'s, else the IDs\').' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" auth-token-file' -l 'auth-token-file' -d 'Read the AtmoAuthToken value from this file instead of AKANA_AUTH_TOKEN.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" csrf-token-file' -l 'csrf-token-file' -d 'Read the Csrf-Token value from this file instead of AKANA_CSRF_TOKEN.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" from-file' -l 'from-file' -d 'Read IDs one per line from a file; - is standard input.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" by' -l 'by' -d 'What the inputs are: user IDs, or email addresses to find the users by (Torii only).' -rfka 'id email'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" o output' -l 'output' -s 'o' -d 'Result format.' -rfka 'human json'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" json' -l 'json' -d 'Short for --output json.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" concurrency' -l 'concurrency' -d 'Requests in flight at once (1…64).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" rate' -l 'rate' -d 'Start at most n requests per second (0 = no cap); the server\'s rate limits slow it further.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" retries' -l 'retries' -d 'Extra attempts for transient failures (0 disables).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" rate-limit-wait' -l 'rate-limit-wait' -d 'Seconds one user may wait out the server\'s rate limit (429s that say when to come back; they use no retries).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" timeout' -l 'timeout' -d 'Limit for one attempt, whole request, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" connect-timeout' -l 'connect-timeout' -d 'Limit for connecting, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" cacert' -l 'cacert' -d 'Extra CA bundle for TLS verification.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" insecure' -l 'insecure' -d 'Skip TLS verification (prints a warning every run).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" v verbose' -l 'verbose' -s 'v' -d 'HTTP trace on stderr, secrets redacted.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" no-color' -l 'no-color' -d 'No ANSI colour (also when NO_COLOR is set, TERM is dumb or unset, or output is not a terminal).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" base-url' -l 'base-url' -d 'Platform base URL, e.g. https://developer.acme.com (default: AKANA_BASE_URL).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" email' -l 'email' -d 'Account email.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" password-stdin' -l 'password-stdin' -d 'Read the password from standard input (its first line).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" timeout' -l 'timeout' -d 'Limit for one attempt, whole request, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" connect-timeout' -l 'connect-timeout' -d 'Limit for connecting, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" cacert' -l 'cacert' -d 'Extra CA bundle for TLS verification.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" insecure' -l 'insecure' -d 'Skip TLS verification (prints a warning every run).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" v verbose' -l 'verbose' -s 'v' -d 'HTTP trace on stderr, secrets redacted.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" no-color' -l 'no-color' -d 'No ANSI colour (also when NO_COLOR is set, TERM is dumb or unset, or output is not a terminal).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana login" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" base-url' -l 'base-url' -d 'Platform base URL, e.g. https://developer.acme.com (default: AKANA_BASE_URL).' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" timeout' -l 'timeout' -d 'Limit for one attempt, whole request, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" connect-timeout' -l 'connect-timeout' -d 'Limit for connecting, in seconds.' -rfka ''
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" cacert' -l 'cacert' -d 'Extra CA bundle for TLS verification.' -rF
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" insecure' -l 'insecure' -d 'Skip TLS verification (prints a warning every run).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" v verbose' -l 'verbose' -s 'v' -d 'HTTP trace on stderr, secrets redacted.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" no-color' -l 'no-color' -d 'No ANSI colour (also when NO_COLOR is set, TERM is dumb or unset, or output is not a terminal).'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" version' -l 'version' -d 'Show the version.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard akana logout" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'offboard' -n '__offboard_should_offer_completions_for_flags_or_options "offboard help" version' -l 'version' -d 'Show the version.'
