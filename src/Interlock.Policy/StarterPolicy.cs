namespace Interlock.Policy;

/// <summary>The commented starter policy `interlock init` writes. Everything in it is valid and its tests pass
/// (a unit test checks both).</summary>
public static class StarterPolicy
{
    public const string Text = """
        # Interlock policy (docs/policy.md has the reference of every field; the JSON Schema is docs/policy.schema.json).
        # Layers: built-in defaults < /etc/interlock/policy.yaml < ~/.config/interlock/policy.yaml < .interlock/policy.yaml.
        # A project file (this one, if it is in .interlock/) can only tighten: add stops, never remove them.
        # Check it with `interlock policy validate`, see the merged result with `interlock policy show`,
        # and run the tests at the end with `interlock policy test`.
        version: 1

        # enforce: rules decide. shadow: rules are evaluated and recorded in the audit trail, but do not stop anything.
        mode: enforce

        settings:
          # Paths no agent may change (globs; relative ones are relative to the repository root).
          protected_paths:
            add: []
          # Branches that are shared: force-pushing or deleting them always asks.
          protected_branches:
            add: []
          # Name tokens that mark production in kube contexts, AWS profiles, hosts, databases...
          production_names:
            add: []
          # What the hook answers if Interlock itself fails: deny (default) or ask.
          fail_closed: deny
          # Who approves an ask: the agent harness's own prompt when the hook runs as you with no approval server
          # (user-mode, the default), also with a server (non-production), or never (always an Interlock request).
          # Production asks never go to the harness's prompt.
          approvals:
            harness_prompt: user-mode

        rules:
          # Example: every change to database migrations needs a human.
          - id: project.migrations-are-reviewed
            match:
              path: db/migrations/**
            verdict: ask
            message: database migrations are applied to every environment; a change needs review
            alternative: add a new migration instead of editing an applied one, and ask the user to review it

        # Overrides change a built-in rule by id (`interlock policy show --rules` lists them). In a project file they
        # can only make a rule stricter; loosening belongs in ~/.config/interlock/policy.yaml.
        overrides:
          git.force-push-protected:
            verdict: deny
            message: shared branches are never force-pushed in this project

        # Teach Interlock a tool it does not know.
        commands: []
        #  - id: ourctl.wipe
        #    executable: ourctl
        #    subcommand: wipe
        #    effect: destroy-data
        #    verdict: deny

        tests:
          - command: rm -rf ~
            expect: deny
          - command: git push --force origin main
            expect: deny
            rule: git.force-push-protected
          - command: rm -rf node_modules
            expect: allow
        """;
}
