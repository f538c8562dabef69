using Interlock.Core;
using Interlock.Core.Environments;
using Interlock.Tests.Environments;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Task runners run the recipe the project's task file holds: each test writes the file in a scratch project
/// (outside /tmp) and checks the command that runs it.</summary>
public sealed class TaskRunnersTests : IDisposable
{
    private readonly ScratchProject _p = new();
    public void Dispose() => _p.Dispose();

    private void File(string name, string text) => _p.Write("home/src/app/" + name, text);

    private void Stops(string command, Verdict verdict, params string[] reasonParts)
    {
        var d = _p.Check(command);
        Assert.True(d.Verdict == verdict, $"`{command}`: expected {verdict}, got {d.Verdict}: {d.Reason}");
        foreach (var part in reasonParts) Assert.Contains(part, d.Reason);
    }

    private void Allowed(string command, string? cwd = null)
    {
        var d = _p.Check(command, cwd: cwd);
        Assert.True(d.Verdict == Verdict.Allow, $"`{command}` should be allowed, got {d.Verdict}: {d.Reason}");
    }

    // ---- make ----

    private const string Makefile = "OUT = build\nDIR ?= dist\n\nall: build\n\nbuild:\n\tgo build -o $(OUT)/app ./...\n\nclean:\n\trm -rf ~\n\ntidy:\n\trm -rf $(OUT) $(DIR)\n\nrelease: clean build\n\n.PHONY: all build clean tidy release\n";

    [Fact]
    public void Make_runs_the_recipe_of_the_target_and_says_where_it_came_from()
    {
        File("Makefile", Makefile);
        Stops("make clean", Verdict.Deny, "`make clean` runs the recipe of `clean` in Makefile: `rm -rf ", "home directory");
        Allowed("make build");
        Allowed("make tidy");
    }

    [Fact]
    public void Make_follows_prerequisites_and_the_default_goal()
    {
        File("Makefile", "all: release\n" + Makefile);
        Stops("make release", Verdict.Deny, "the recipe of `clean`");
        Stops("make", Verdict.Deny, "the recipe of `clean`");
        File("Makefile", Makefile);
        Allowed("make"); // the first target, all, only builds
    }

    [Fact]
    public void Make_expands_variables_with_command_line_overrides_and_the_empty_undefined_variable()
    {
        File("Makefile", "TARGET = ~\nwipe:\n\trm -rf $(TARGET)\nprefix:\n\trm -rf $(PREFIX)/\nlocal:\n\t@rm -rf ${OUT}/cache\n");
        Stops("make wipe", Verdict.Deny, "home directory");
        Allowed("make wipe TARGET=build");
        // An undefined variable is empty: `rm -rf $(PREFIX)/` removes / (the classic makefile accident).
        Stops("make prefix", Verdict.Deny, "whole file system");
        Allowed("make prefix PREFIX=out");
        Allowed("make local OUT=build");
    }

    [Fact]
    public void Make_asks_when_a_recipe_line_cannot_be_expanded()
    {
        File("Makefile", "clean:\n\trm -rf $(call dirs,x)\nnow:\n\trm -rf $(shell cat list.txt)\nok:\n\tdocker build -t app:$(shell git rev-parse HEAD) .\n");
        Stops("make clean", Verdict.Ask, "cannot be worked out");
        Stops("make now", Verdict.Ask);
        Allowed("make ok");
    }

    [Fact]
    public void Make_maps_wildcard_globs_through_text_functions_as_a_c_makefile_does()
    {
        File("Makefile", "SRCS = $(wildcard src/*.c)\nOBJS = $(SRCS:.c=.o)\nDEPS = $(patsubst %.o,%.d,$(OBJS))\napp: $(OBJS)\n\t$(CC) -o $@ $^\nclean:\n\t$(RM) $(OBJS) $(DEPS) app\n");
        Allowed("make clean");
        Allowed("make");
        // A pattern rule that makes the globbed prerequisites is analysed for them.
        File("Makefile", "OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))\napp: $(OBJS)\n\tcc -o $@ $^\n%.o: %.c\n\trm -rf ~\n");
        Stops("make app", Verdict.Deny, "the recipe of `src/*.o`");
    }

    [Fact]
    public void Make_reads_includes_and_conditionals()
    {
        File("rules.mk", "nuke:\n\trm -rf /\n");
        File("Makefile", "include rules.mk\n-include missing.d\nifeq ($(MODE),danger)\nX = ~\nelse\nX = build\nendif\nclean:\n\trm -rf $(X)\n");
        Stops("make nuke", Verdict.Deny, "the recipe of `nuke` in rules.mk");
        Allowed("make clean");
        Stops("make clean MODE=danger", Verdict.Deny, "home directory");
    }

    [Fact]
    public void Make_with_a_missing_target_file_or_a_dry_run_runs_nothing()
    {
        Allowed("make clean"); // no makefile: make stops
        File("Makefile", Makefile);
        Allowed("make no-such-target");
        Allowed("make -n clean");
        Allowed("make --help");
    }

    [Fact]
    public void Make_in_another_directory_reads_that_makefile()
    {
        _p.Write("home/src/app/sub/Makefile", "clean:\n\trm -rf ~\n");
        Stops("make -C sub clean", Verdict.Deny, "sub/Makefile");
        Stops("cd sub && make clean", Verdict.Deny);
        Allowed("make clean");
    }

    [Fact]
    public void Make_with_a_recursive_make_follows_it()
    {
        _p.Write("home/src/app/lib/Makefile", "clean:\n\trm -rf ~/.ssh\n");
        File("Makefile", "clean:\n\t$(MAKE) -C lib clean\n");
        Assert.NotEqual(Verdict.Allow, _p.Check("make clean").Verdict);
    }

    [Fact]
    public void Make_with_a_replaced_shell_is_indeterminate()
    {
        File("Makefile", "SHELL = /usr/bin/python3\nbuild:\n\tprint(1)\n");
        Stops("make build", Verdict.Ask, "SHELL");
    }

    // ---- npm, yarn, pnpm, bun ----

    private const string Package = """
        { "name": "app", "scripts": { "build": "tsc -p .", "test": "jest", "reset": "rm -rf ~", "clean": "rm", "lint": "eslint . && npm run reset" } }
        """;

    [Fact]
    public void Npm_run_analyses_the_script()
    {
        File("package.json", Package);
        Stops("npm run reset", Verdict.Deny, "`npm run reset` runs the script `reset` (scripts.reset) in package.json: `rm -rf ");
        Allowed("npm run build");
        Allowed("npm test");
        Allowed("npm run"); // lists the scripts
        Allowed("npm run no-such-script");
        Stops("npm run clean -- -rf /", Verdict.Deny, "whole file system");
        Stops("npm run lint", Verdict.Deny, "home directory"); // a script that runs another script
    }

    [Fact]
    public void Npm_runs_pre_and_post_scripts_and_lifecycle_scripts()
    {
        File("package.json", """{ "scripts": { "pretest": "rm -rf ~", "test": "jest", "postinstall": "rm -rf /", "prebuild": "rm -rf dist", "build": "tsc" } }""");
        Stops("npm test", Verdict.Deny, "the script `pretest`");
        Stops("npm install", Verdict.Deny, "the postinstall lifecycle script");
        Stops("npm ci", Verdict.Deny);
        Stops("yarn", Verdict.Deny);
        Stops("pnpm install", Verdict.Deny);
        Allowed("npm install --ignore-scripts");
        Allowed("npm run build");
        Allowed("npm install -g typescript");
    }

    [Fact]
    public void Ordinary_installs_and_builds_stay_allowed()
    {
        File("package.json", """{ "name": "app", "scripts": { "build": "tsc", "test": "jest --coverage", "prepare": "husky install" } }""");
        Allowed("npm install");
        Allowed("npm ci");
        Allowed("yarn add lodash");
        Allowed("pnpm i");
        Allowed("npm run build");
        Allowed("npx jest");
    }

    [Fact]
    public void Yarn_pnpm_and_bun_run_scripts_by_name()
    {
        File("package.json", Package);
        Stops("yarn reset", Verdict.Deny, "`yarn reset` runs the script `reset`");
        Stops("yarn run reset", Verdict.Deny);
        Stops("pnpm reset", Verdict.Deny);
        Stops("pnpm run reset", Verdict.Deny);
        Stops("bun run reset", Verdict.Deny);
        Stops("bun reset", Verdict.Deny);
        Allowed("yarn build");
        Allowed("pnpm build");
        Allowed("bun run build");
        Allowed("yarn why lodash");
    }

    [Fact]
    public void The_nearest_package_json_upwards_is_used_and_a_missing_one_runs_nothing()
    {
        Allowed("npm test");
        Allowed("npm run reset");
        File("package.json", Package);
        _p.Write("home/src/app/src/lib/x.ts", "export {}\n");
        Assert.Equal(Verdict.Deny, _p.Check("npm run reset", cwd: _p.Project + "/src/lib").Verdict);
    }

    [Fact]
    public void An_unparseable_package_json_or_a_workspace_run_asks()
    {
        File("package.json", "{ \"scripts\": { \"build\": \"tsc\", } ");
        Stops("npm run build", Verdict.Ask, "cannot be read or parsed");
        File("package.json", Package);
        Stops("npm run reset --workspaces", Verdict.Ask, "other packages");
        Stops("pnpm -r build", Verdict.Ask, "other packages");
    }

    // ---- just ----

    [Fact]
    public void Just_runs_recipes_with_dependencies_parameters_and_variables()
    {
        File("justfile", "out := \"build\"\n\ndefault: build\n\nbuild:\n    go build -o {{out}}/app\n\nclean: build\n    @rm -rf {{out}}\n\nnuke dir=\"~\":\n    rm -rf {{dir}}\n\nwipe: clean && nuke\n\nodd:\n    rm -rf {{ join(out, \"x\") }}\n");
        Allowed("just");
        Allowed("just build");
        Allowed("just clean");
        Stops("just nuke", Verdict.Deny, "`just nuke` runs the recipe `nuke` in justfile");
        Allowed("just nuke out");
        Stops("just wipe", Verdict.Deny, "the recipe `nuke`");
        Stops("just odd", Verdict.Ask);
        Allowed("just --list");
        Allowed("just missing");
    }

    [Fact]
    public void Just_first_recipe_is_the_default_and_shebang_recipes_in_other_languages_ask()
    {
        File("justfile", "reset:\n    rm -rf ~\n\npy:\n    #!/usr/bin/env python3\n    import shutil; shutil.rmtree('/')\n\nsh:\n    #!/usr/bin/env bash\n    set -euo pipefail\n    rm -rf /\n");
        Stops("just", Verdict.Deny, "the recipe `reset`");
        Stops("just py", Verdict.Ask, "python3");
        Stops("just sh", Verdict.Deny, "whole file system");
    }

    // ---- task (go-task) ----

    [Fact]
    public void Task_runs_cmds_deps_and_called_tasks()
    {
        File("Taskfile.yml", """
            version: '3'
            vars:
              OUT: dist
            tasks:
              default:
                cmds:
                  - task: build
              build:
                cmds:
                  - go build -o {{.OUT}}/app .
              clean:
                deps: [build]
                cmds:
                  - rm -rf {{.OUT}}
              reset:
                cmds:
                  - |
                    echo resetting
                    rm -rf ~
              all:
                deps:
                  - reset
              templ:
                cmds:
                  - rm -rf {{.DIR | default "x"}}
            """);
        Allowed("task");
        Allowed("task build");
        Allowed("task clean");
        Stops("task reset", Verdict.Deny, "`task reset` runs the task `reset` in Taskfile.yml");
        Stops("task all", Verdict.Deny, "the task `reset`");
        Stops("task templ", Verdict.Ask, "cannot be worked out");
        Allowed("task nothing-here");
        Allowed("task --list");
    }

    [Fact]
    public void Task_without_a_taskfile_runs_nothing()
    {
        Allowed("task build");
    }

    // ---- tox ----

    [Fact]
    public void Tox_runs_the_commands_of_each_environment()
    {
        File("tox.ini", "[tox]\nenvlist = py311, lint\n\n[testenv]\ndeps = pytest\ncommands =\n    pytest {posargs}\n\n[testenv:lint]\ncommands = ruff check .\n\n[testenv:clean]\ncommands_pre = rm -rf build\ncommands = rm -rf /\n\n[testenv:odd]\ncommands = rm -rf {envsitepackagesdir}/x\n");
        Allowed("tox");
        Allowed("tox -e lint");
        Allowed("tox -e py311 -- -k slow");
        Stops("tox -e clean", Verdict.Deny, "`tox -e clean` runs the commands of the environment `clean` in tox.ini");
        Stops("tox -e odd", Verdict.Ask);
        Allowed("tox -- ~"); // an argument to pytest
    }

    // ---- pdm, hatch ----

    [Fact]
    public void Pdm_and_hatch_scripts_are_analysed()
    {
        File("pyproject.toml", """
            [project]
            name = "app"

            [tool.pdm.scripts]
            test = "pytest"
            wipe = {shell = "rm -rf ~"}
            pre_lint = "rm -rf /"
            lint = "ruff check ."
            all = {composite = ["test", "wipe"]}
            serve = {call = "app.main:run"}

            [tool.hatch.envs.default.scripts]
            cov = "pytest --cov {args}"
            purge = [
              "rm -rf /",
              "echo done",
            ]

            [tool.poetry.scripts]
            app = "app.main:run"
            """);
        Allowed("pdm run test");
        Stops("pdm run wipe", Verdict.Deny, "the pdm script `wipe`");
        Stops("pdm run all", Verdict.Deny, "the pdm script `wipe`");
        Stops("pdm run lint", Verdict.Deny, "the pdm script `pre_lint`");
        Allowed("pdm run serve");
        Allowed("pdm run pytest -x"); // not a script: the command itself
        Allowed("hatch run cov");
        Stops("hatch run purge", Verdict.Deny, "the hatch script `purge`");
        Allowed("poetry run app");
    }

    // ---- composer ----

    [Fact]
    public void Composer_scripts_and_event_scripts_are_analysed()
    {
        File("composer.json", """{"scripts": {"test": "phpunit", "reset": ["@clear", "rm -rf ~"], "clear": "@php artisan cache:clear", "post-install-cmd": ["App\\Setup::run", "rm -rf /"]}}""");
        Allowed("composer test");
        Allowed("composer run-script clear");
        Stops("composer reset", Verdict.Deny, "the composer script `reset`");
        Stops("composer install", Verdict.Deny, "the composer script `post-install-cmd`");
        Allowed("composer install --no-scripts");
        Allowed("composer show");
    }

    // ---- rake ----

    [Fact]
    public void Rake_tasks_are_analysed_as_ruby()
    {
        File("Rakefile", "task default: [:test]\n\ndesc \"tests\"\ntask :test do\n  sh \"bundle exec rspec\"\nend\n\nnamespace :app do\n  task :nuke => [:test] do\n    sh \"rm -rf ~\"\n  end\n  task :clobber do\n    FileUtils.rm_rf(\"/\")\n  end\n  task all: [:nuke]\nend\n");
        Allowed("rake");
        Allowed("rake test");
        Stops("rake app:nuke", Verdict.Deny, "`rake app:nuke` runs the task `app:nuke` in Rakefile");
        Stops("rake app:clobber", Verdict.Deny, "`FileUtils.rm_rf` deletes /");
        Stops("rake app:all", Verdict.Deny, "the task `app:nuke`");
        Allowed("rake -T");
        Allowed("rake db:version");
    }

    // ---- MiniYaml block scalars (used by Taskfiles) ----

    [Fact]
    public void MiniYaml_reads_literal_and_folded_block_scalars_and_keeps_the_keys_after_them()
    {
        var doc = MiniYaml.ParseMapping("a:\n  script: |\n    echo one\n    echo two\n  folded: >-\n    x\n    y\n  after: 1\nlist:\n  - |\n    rm -rf build\n  - plain\n")!;
        var a = (Dictionary<string, object?>)doc["a"]!;
        Assert.Equal("echo one\necho two\n", a["script"]);
        Assert.Equal("x y", a["folded"]);
        Assert.Equal("1", a["after"]);
        Assert.Equal(["rm -rf build\n", "plain"], ((List<object?>)doc["list"]!).Cast<string>());
    }
}
