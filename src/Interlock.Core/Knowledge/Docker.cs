using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// <c>docker</c>, <c>podman</c>, <c>nerdctl</c> and Compose: deleting volumes (the data in them), force-removing
/// containers nobody named, commands run in containers (<c>exec</c>; <c>run</c> with host directories mounted),
/// Swarm services and stacks, and state changes on a named (possibly production) Docker host.
/// Removing containers, images and build caches is allowed: they are regenerable.
/// </summary>
public sealed class Docker : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["docker", "podman", "nerdctl", "docker-compose", "podman-compose"];

    /// <summary>docker and podman take DOCKER_*/registry settings from their environment and print none of them, except
    /// where they hand a variable on to a container, whose program may print it: <c>run</c>/<c>create</c>/<c>exec</c>
    /// with <c>-e NAME</c> or <c>--env NAME</c> (no value: taken from the environment), and compose, which interpolates
    /// the environment into its configuration (<c>docker compose config</c> prints it).</summary>
    public InputUse Environment(Invocation inv)
    {
        if (inv.Name is not ("docker" or "podman" or "nerdctl")) return InputUse.Unknown;
        var args = inv.Args;
        var i = CommandAt(args);
        if (i >= args.Count) return InputUse.KeepsToItself;
        var verb = args[i].Text;
        if (verb is "compose" or "stack") return InputUse.Unknown;
        var container = verb is "run" or "create" or "exec" || verb == "container" && i + 1 < args.Count && args[i + 1].Text is "run" or "create" or "exec";
        if (!container) return InputUse.KeepsToItself;
        for (var j = i + 1; j < args.Count; j++)
        {
            var t = args[j].Text;
            if (t is "-e" or "--env" && j + 1 < args.Count && !args[j + 1].Text.Contains('=')) return InputUse.Unknown;
            if (t.StartsWith("--env=", StringComparison.Ordinal) && !t[6..].Contains('=')) return InputUse.Unknown;
            if (t.StartsWith("-e", StringComparison.Ordinal) && t.Length > 2 && !t.Contains('=')) return InputUse.Unknown;
        }
        return InputUse.KeepsToItself;
    }

    private static readonly HashSet<string> GlobalValued =
    [
        "-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey",
        // podman
        "--connection", "--url", "--root", "--runroot", "--storage-driver", "--storage-opt", "--cgroup-manager",
        "--events-backend", "--hooks-dir", "--identity", "--module", "--network-cmd-path", "--network-config-dir",
        "--runtime", "--runtime-flag", "--ssh", "--tmpdir", "--volumepath", "--imagestore", "--conmon",
        "--cni-config-dir", "--db-backend", "--network-backend",
        // nerdctl
        "-n", "--namespace", "-a", "--address", "--snapshotter", "--cni-path", "--cni-netconfpath", "--data-root", "--hosts-dir",
    ];

    private static readonly HashSet<string> RunValued =
    [
        "--add-host", "--annotation", "--attach", "--blkio-weight", "--blkio-weight-device", "--cap-add", "--cap-drop",
        "--cgroup-parent", "--cgroupns", "--cidfile", "--cpu-count", "--cpu-percent", "--cpu-period", "--cpu-quota",
        "--cpu-rt-period", "--cpu-rt-runtime", "--cpu-shares", "--cpus", "--cpuset-cpus", "--cpuset-mems", "--device",
        "--device-cgroup-rule", "--device-read-bps", "--device-read-iops", "--device-write-bps", "--device-write-iops",
        "--dns", "--dns-opt", "--dns-option", "--dns-search", "--domainname", "--entrypoint", "--env", "--env-file",
        "--expose", "--gpus", "--group-add", "--health-cmd", "--health-interval", "--health-retries",
        "--health-start-period", "--health-start-interval", "--health-timeout", "--hostname", "--io-maxbandwidth",
        "--io-maxiops", "--ip", "--ip6", "--ipc", "--isolation", "--kernel-memory", "--label", "--label-file", "--link",
        "--link-local-ip", "--log-driver", "--log-opt", "--mac-address", "--memory", "--memory-reservation",
        "--memory-swap", "--memory-swappiness", "--mount", "--name", "--network", "--net", "--network-alias",
        "--net-alias", "--oom-score-adj", "--pid", "--pids-limit", "--platform", "--publish", "--pull", "--restart",
        "--runtime", "--security-opt", "--shm-size", "--stop-signal", "--stop-timeout", "--storage-opt", "--sysctl",
        "--tmpfs", "--ulimit", "--user", "--userns", "--uts", "--volume", "--volume-driver", "--volumes-from",
        "--workdir", "--detach-keys", "--arch", "--os", "--variant", "--secret", "--pod", "--pod-id-file", "--hostuser",
        "--uidmap", "--gidmap", "--subuidname", "--subgidname", "--chrootdirs", "--cgroups", "--cgroup-conf",
        "--conmon-pidfile", "--image-volume", "--init-path", "--passwd-entry", "--group-entry", "--personality",
        "--pidfile", "--preserve-fds", "--requires", "--sdnotify", "--seccomp-policy", "--systemd", "--timeout", "--tz",
        "--umask", "--unsetenv", "--decryption-key", "--health-on-failure", "--retry", "--retry-delay", "--rdt-class",
        "--authfile", "--cert-dir", "--creds", "--index", "--filter", "--format", "--time", "--signal", "--cpuset",
        "--env-from-file", "--use-aliases-for", "--label-file",
    ];

    /// <summary>Everything that only reads, builds or talks to registries.</summary>
    private static readonly HashSet<string> Harmless =
    [
        "ps", "ls", "list", "inspect", "logs", "images", "top", "stats", "port", "diff", "history", "info", "version",
        "events", "df", "search", "login", "logout", "help", "attach", "wait", "export", "save", "build", "buildx",
        "pull", "push", "tag", "commit", "load", "import", "context", "manifest", "trust", "plugin", "scan", "sbom",
        "init", "config", "convert", "images", "completion", "healthcheck", "generate", "exec", "cp", "watch",
        "alpha", "bake", "debug", "scout", "extension", "desktop", "ai", "mcp", "model",
    ];

    /// <summary><c>login --password-stdin</c> reads the password and prints only "Login Succeeded"; <c>secret create
    /// NAME -</c> stores what it reads and prints the secret's ID (docker, podman and nerdctl references).</summary>
    /// <summary>Where the command word is (<c>login</c>, <c>run</c>), past the global options.</summary>
    private static int CommandAt(IReadOnlyList<Arg> args) => CliArgs.Parse(args, 0, f => GlobalValued.Contains(f), stopAtPositional: true).StoppedAt;

    public InputUse StandardInput(Invocation inv)
    {
        if (inv.Name is "docker-compose" or "podman-compose") return InputUse.Unknown;
        var args = inv.Args;
        var i = CommandAt(args);
        if (i >= args.Count) return InputUse.Unknown;
        var rest = args.Skip(i + 1).ToList();
        return args[i].Text switch
        {
            "login" when rest.Any(a => a.Text == "--password-stdin") => InputUse.KeepsToItself,
            "secret" when rest is [{ Text: "create" }, ..] && rest[^1].Text == "-" => InputUse.KeepsToItself,
            _ => InputUse.Unknown,
        };
    }

    /// <summary><c>docker login -p PASSWORD</c> (<c>--password</c>): the password goes to the registry and is not
    /// printed (docker warns that it is insecure, and prints "Login Succeeded").</summary>
    public ArgumentUse Argument(Invocation inv, int index)
    {
        if (inv.Name is "docker-compose" or "podman-compose") return ArgumentUse.Unknown;
        var args = inv.Args;
        var i = CommandAt(args);
        if (i >= args.Count || args[i].Text != "login" || index <= i) return ArgumentUse.Unknown;
        var at = args[index].Text;
        var password = args[index - 1].Text is "-p" or "--password" && index - 1 > i
            || at.StartsWith("--password=", StringComparison.Ordinal) || at.StartsWith("-p", StringComparison.Ordinal) && !at.StartsWith("--", StringComparison.Ordinal);
        return password ? ArgumentUse.KeepsToItself : ArgumentUse.Unknown;
    }

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (inv.Name is "docker-compose" or "podman-compose")
        {
            Compose(inv, ctx, effects, 0, new DockerTarget(inv, ctx, CliArgs.Parse([], 0, _ => false)));
            return;
        }
        var global = CliArgs.Parse(args, 0, f => GlobalValued.Contains(f), stopAtPositional: true);
        var engine = new DockerTarget(inv, ctx, global);
        var i = global.StoppedAt;
        if (i >= args.Count) return;
        var first = args[i].Text;
        string group, action;
        var next = i + 1;
        if (first is "container" or "image" or "volume" or "network" or "system" or "builder" or "service" or "stack"
            or "node" or "secret" or "swarm" or "pod" or "machine" or "compose" or "kube" or "checkpoint")
        {
            if (first == "compose")
            {
                Compose(inv, ctx, effects, next, engine);
                return;
            }
            group = first;
            // Options of the management command itself are rare; skip any before the action.
            while (next < args.Count && args[next].Text.StartsWith('-')) next++;
            action = next < args.Count ? args[next].Text : "";
            next++;
        }
        else
        {
            group = first switch
            {
                "rmi" or "images" => "image",
                _ => "container",
            };
            action = first switch { "rmi" => "rm", _ => first };
        }
        if (action is "remove") action = "rm";
        var rest = args.Skip(next).ToList();

        switch (group, action)
        {
            case ("volume", "rm"):
            {
                var p = CliArgs.Parse(rest, 0, _ => false);
                if (p.Has("--help")) return;
                var all = p.Has("-a", "--all");
                if (all)
                    engine.Add(effects, EffectKind.DestroyData, "every volume", $"deletes every {engine.Tool} volume{engine.Where} and all the data in them", []);
                foreach (var v in p.Positionals)
                    engine.Add(effects, EffectKind.DestroyData, $"volume {v.Text}",
                        v.Known ? $"deletes {engine.Tool} volume `{v.Text}`{engine.Where} and all the data in it" : $"deletes the {engine.Tool} volumes named at run time (`{v.Text}`){engine.Where} and all the data in them",
                        [ctx.InferEnvironment("volume", v.Text)]);
                return;
            }
            case ("volume", "prune"):
            {
                var p = CliArgs.Parse(rest, 0, f => f is "--filter");
                if (p.Has("--help")) return;
                var named = p.Has("-a", "--all") || inv.Name is "podman";
                var filter = p.Value("--filter") is { } fl ? $" matching `{fl}`" : "";
                engine.Add(effects, EffectKind.DestroyData, "unused volumes",
                    $"deletes every {(named ? "" : "anonymous ")}volume not used by a container{filter}{engine.Where}; the data in them is lost", []);
                return;
            }
            case ("system", "prune"):
            {
                var p = CliArgs.Parse(rest, 0, f => f is "--filter");
                if (p.Has("--help")) return;
                if (p.Has("--volumes"))
                    engine.Add(effects, EffectKind.DestroyData, "unused volumes",
                        $"`system prune --volumes` deletes every volume not used by a container{engine.Where}, with the data in them (besides stopped containers and unused images)", []);
                else engine.Change(effects, "prunes stopped containers, unused networks and images");
                return;
            }
            case ("system", "reset"):
                engine.Add(effects, EffectKind.DestroyData, "all containers, images and volumes",
                    $"`{inv.Name} system reset` deletes every container, image, pod and volume{engine.Where}, with all the data in the volumes", []);
                return;
            case ("machine", "rm") or ("machine", "reset"):
            {
                var names = rest.Where(a => !a.Text.StartsWith('-')).Select(a => a.Text).ToList();
                engine.Add(effects, EffectKind.DestroyData, "machine " + string.Join(' ', names),
                    action == "reset"
                        ? $"`{inv.Name} machine reset` deletes every machine, with every container, image and volume in them"
                        : $"deletes the {inv.Name} machine {(names.Count > 0 ? $"`{string.Join("`, `", names)}`" : "(the default one)")}, a virtual machine holding containers, images and volumes", []);
                return;
            }
            case ("container", "rm") or ("pod", "rm"):
            {
                var p = CliArgs.Parse(rest, 0, f => f is "-t" or "--time" or "--cidfile" or "--pod-id-file");
                if (p.Has("--help")) return;
                var force = p.Has("-f", "--force");
                var volumes = group == "container" && p.Has("-v", "--volumes");
                var all = p.Has("-a", "--all");
                var unknown = p.Positionals.Where(a => !a.Known).ToList();
                var named = p.Positionals.Select(a => a.Known ? $"`{a.Text}`" : $"named at run time (`{a.Text}`)").ToList();
                var list = all ? "every container" : named.Count == 0 ? "containers" : $"container{(named.Count > 1 ? "s" : "")} {string.Join(", ", named)}";
                if (volumes)
                    engine.Add(effects, EffectKind.DestroyData, "anonymous volumes",
                        $"removes {list}{engine.Where} together with their anonymous volumes; the data in those volumes is lost",
                        p.Positionals.Select(a => ctx.InferEnvironment("container", a.Text)));
                if (force && (all || unknown.Count > 0))
                    engine.Add(effects, EffectKind.DisruptSystem, "running containers",
                        $"force-removes {(all ? "every container" : $"containers named at run time (`{unknown[0].Text}`), possibly every one")}{engine.Where}, killing those still running", []);
                engine.Change(effects, $"removes {list}");
                return;
            }
            case ("container", "run") or ("container", "create"):
                Run(inv, ctx, effects, rest, engine, action == "create");
                return;
            case ("container", "exec"):
            {
                var p = CliArgs.Parse(rest, 0, f => f is "-e" or "--env" or "--env-file" or "-u" or "--user" or "-w" or "--workdir" or "--detach-keys" or "--preserve-fds" or "--preserve-fd", stopAtPositional: true);
                var words = rest.Skip(p.StoppedAt).ToList();
                if (words.Count < 2 || p.Has("--help")) return;
                var container = words[0];
                Nested(inv, ctx, effects, CliArgs.JoinWords(words.Skip(1)), p.Value("-w", "--workdir"), $"container {container.Text}",
                    $"{inv.Name} exec", engine, ctx.InferEnvironment("container", container.Text));
                return;
            }
            case ("service", "rm") or ("stack", "rm") or ("stack", "down") or ("node", "rm") or ("secret", "rm") or ("config", "rm"):
            {
                var names = rest.Where(a => !a.Text.StartsWith('-')).ToList();
                var noun = group == "stack" ? "stack" : $"swarm {group}";
                foreach (var n in names.DefaultIfEmpty(Arg.Literal("?")))
                    engine.Add(effects, EffectKind.DeleteClusterResources, $"{group} {n.Text}",
                        $"removes {noun} `{n.Text}`{engine.Where}{(group is "service" or "stack" ? ", stopping all its containers" : "")}",
                        [ctx.InferEnvironment(group, n.Text)]);
                return;
            }
            case ("service", "scale"):
                foreach (var s in rest.Where(a => a.Text.Contains('=')))
                {
                    var eq = s.Text.IndexOf('=');
                    var (name, count) = (s.Text[..eq], s.Text[(eq + 1)..]);
                    if (count == "0" || !s.Known)
                        engine.Add(effects, EffectKind.DeleteClusterResources, $"service {name}", $"scales swarm service `{name}` to {(s.Known ? "zero replicas, taking it down" : "a replica count known only at run time (possibly zero)")}{engine.Where}", [ctx.InferEnvironment("service", name)]);
                    else engine.Change(effects, $"scales swarm service `{name}` to {count} replicas", ctx.InferEnvironment("service", name));
                }
                return;
            case ("swarm", "leave"):
                engine.Add(effects, EffectKind.DeleteClusterResources, "swarm membership",
                    $"takes this node out of the swarm{(rest.Any(a => a.Text is "-f" or "--force") ? " even if it is a manager (the swarm may lose its quorum)" : "")}{engine.Where}", []);
                return;
            case ("service", _) or ("stack", _) or ("node", _) or ("secret", _) or ("config", _) or ("swarm", _):
                if (action is "ls" or "ps" or "inspect" or "logs" or "services" or "" || rest.Any(a => a.Text is "--help")) return;
                engine.Change(effects, $"runs `{group} {action}`", rest.Where(a => !a.Text.StartsWith('-')).Select(a => ctx.InferEnvironment(group, a.Text)).ToArray());
                return;
        }
        if (Harmless.Contains(action) || group is "image" or "builder" or "network" && action is "ls" or "inspect" or "history") return;
        engine.Change(effects, group == "container" ? $"runs `{action}`" : $"runs `{group} {action}`");
    }

    // ------------------------------------------------------------ run

    private enum MountType { Bind, Volume, Anonymous, Tmpfs }

    private sealed record Mount(MountType Type, string? Source, string SourceText, string? Destination, bool ReadOnly)
    {
        public string Spec => $"{SourceText}:{Destination ?? "?"}";
    }

    private static void Run(Invocation inv, KnowledgeContext ctx, List<Effect> effects, List<Arg> rest, DockerTarget engine, bool createOnly)
    {
        var p = CliArgs.Parse(rest, 0, f => f.StartsWith("--") ? RunValued.Contains(f) : f.Length == 2 && "acehlmpuvw".Contains(f[1]), stopAtPositional: true);
        var words = rest.Skip(p.StoppedAt).ToList();
        if (words.Count == 0 || p.Has("--help")) return;
        var image = words[0];
        var command = words.Skip(1).ToList();
        if (p.ValueArgs("--entrypoint").LastOrDefault() is { } entry && entry.Text.Length > 0) command.Insert(0, entry);
        else if (command.Count > 0 && ToolImage(image) is { } tool && command[0].Text != tool) command.Insert(0, Arg.Literal(tool));
        var name = p.Value("--name");
        engine.Change(effects, $"starts a container of `{image.Text}`{(name is not null ? $" named `{name}`" : "")}");
        if (createOnly || command.Count == 0) return;

        var cwd = KnowledgeContext.Cwd(inv);
        var mounts = new List<Mount>();
        foreach (var v in p.ValueArgs("-v", "--volume")) mounts.Add(ParseVolume(v, cwd));
        foreach (var m in p.ValueArgs("--mount")) if (ParseMount(m, cwd) is { } mount) mounts.Add(mount);
        var escapes = p.Has("--privileged") || p.Value("--pid") == "host" || p.Has("--device") || p.Value("--network", "--net") == "host";
        var code = CliArgs.JoinWords(command);
        var inner = ctx.AnalyzeShellCode(code, new ExecContext([p.Value("-w", "--workdir")], "/root", $"a new container of {image.Text}", [.. inv.Context.Via, $"{inv.Name} run"]), inv);

        // A writable mount of the host's / (or home, or a system directory) lets any command change the host.
        foreach (var m in mounts.Where(m => m.Type == MountType.Bind && !m.ReadOnly && m.Source is not null))
        {
            var cls = ctx.Paths.Classify(m.Source!, false, inv.Context).Class;
            if (cls is PathClass.Root or PathClass.Home or PathClass.SystemCritical or PathClass.SystemTopLevel)
                engine.Add(effects, EffectKind.Indeterminate, m.Source!,
                    $"runs `{code}` in a container with the host's {(cls == PathClass.Root ? "whole file system (/)" : cls == PathClass.Home ? $"home directory {m.Source}" : m.Source)} mounted writable at {m.Destination ?? "a path known only at run time"}; what it changes there cannot be fully checked", []);
        }

        var imageEnv = ctx.InferEnvironment("container", name);
        foreach (var e in inner)
        {
            switch (e.Kind)
            {
                case EffectKind.DeletePath or EffectKind.OverwriteFile or EffectKind.AppendFile or EffectKind.EmptyFile
                    or EffectKind.DestroyContents or EffectKind.MovePath or EffectKind.ChangePermissions:
                    MapToHost(e, mounts, code, inv, ctx, effects, engine);
                    break;
                case EffectKind.DiscardUncommittedChanges or EffectKind.DeleteUntrackedFiles or EffectKind.DropStash
                    or EffectKind.DeleteBranch or EffectKind.RewriteHistory or EffectKind.RemoveWorktree:
                {
                    // Git in the container: it matters only when the repository is a mounted host directory.
                    var path = e.Target.StartsWith('/') ? e.Target : e.Source.Context.Cwds.FirstOrDefault();
                    var m = path is null ? null : Covering(mounts, path);
                    if ((m is not null && !m.ReadOnly && m.Type == MountType.Bind) || (path is null && mounts.Any(x => x.Type == MountType.Bind && !x.ReadOnly)))
                        effects.Add(Kubectl.WithEnvironment(e with { Description = $"{e.Description} (in a container, on the mounted host directory {m?.SourceText ?? "that may be mounted"})" }, engine.Environment([])));
                    break;
                }
                case EffectKind.WipeDevice or EffectKind.DisruptSystem:
                    if (escapes) effects.Add(Kubectl.WithEnvironment(e, engine.Environment([])));
                    break;
                default:
                    // Databases, clusters, clouds, remotes and what cannot be analysed are reached from the container too.
                    effects.Add(Kubectl.WithEnvironment(e, engine.Environment([imageEnv])));
                    break;
            }
        }
    }

    /// <summary>Images whose entrypoint is a CLI (<c>bitnami/kubectl</c>, <c>alpine/helm</c>): the arguments after
    /// the image are that tool's arguments.</summary>
    private static string? ToolImage(Arg image)
    {
        if (!image.Known) return null;
        var name = image.Text;
        var at = name.IndexOf('@');
        if (at >= 0) name = name[..at];
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > slash) name = name[..colon];
        name = name[(slash + 1)..];
        return name switch
        {
            "kubectl" or "k8s-kubectl" => "kubectl",
            "helm" or "k8s-helm" => "helm",
            "terraform" => "terraform",
            "aws-cli" => "aws",
            "azure-cli" => "az",
            _ => null,
        };
    }

    private static Mount ParseVolume(Arg v, string? cwd)
    {
        var parts = v.Text.Split(':');
        if (parts.Length == 1)
            return new Mount(MountType.Anonymous, null, "(anonymous)", v.Known ? PathResolver.Normalize(parts[0]) : null, false);
        var src = parts[0];
        var dst = parts[1];
        var opts = parts.Skip(2).SelectMany(o => o.Split(',')).ToList();
        var readOnly = opts.Any(o => o is "ro" or "readonly");
        var dstKnown = dst.StartsWith('/') && !dst.Contains('$');
        var destination = dstKnown ? PathResolver.Normalize(dst) : null;
        if (src.Length > 0 && !src.Contains('/') && !src.StartsWith('.') && !src.StartsWith('~') && !src.Contains('$'))
            return new Mount(MountType.Volume, src, src, destination, readOnly);
        var source = src.Contains('$') || src.Length == 0 ? null : PathResolver.Combine(cwd, src);
        return new Mount(MountType.Bind, source, src, destination, readOnly);
    }

    private static Mount? ParseMount(Arg m, string? cwd)
    {
        string type = "volume";
        string? src = null, dst = null;
        var readOnly = false;
        foreach (var kv in m.Text.Split(','))
        {
            var eq = kv.IndexOf('=');
            var (k, val) = eq > 0 ? (kv[..eq], kv[(eq + 1)..]) : (kv, "true");
            switch (k)
            {
                case "type": type = val; break;
                case "source" or "src": src = val; break;
                case "target" or "destination" or "dst": dst = val; break;
                case "readonly" or "ro": readOnly = val is "true" or "1"; break;
            }
        }
        var destination = dst is not null && dst.StartsWith('/') && !dst.Contains('$') ? PathResolver.Normalize(dst) : null;
        return type switch
        {
            "bind" => new Mount(MountType.Bind, src is null || src.Contains('$') ? null : PathResolver.Combine(cwd, src), src ?? "?", destination, readOnly),
            "volume" when src is not null => new Mount(MountType.Volume, src, src, destination, readOnly),
            "volume" => new Mount(MountType.Anonymous, null, "(anonymous)", destination, readOnly),
            _ => new Mount(MountType.Tmpfs, null, type, destination, readOnly),
        };
    }

    /// <summary>The mount whose destination contains <paramref name="path"/> (the deepest one).</summary>
    private static Mount? Covering(List<Mount> mounts, string path) =>
        mounts.Where(m => m.Destination is not null && PathResolver.IsUnder(path, m.Destination)).OrderByDescending(m => m.Destination!.Length).FirstOrDefault();

    private static void MapToHost(Effect e, List<Mount> mounts, string code, Invocation inv, KnowledgeContext ctx, List<Effect> effects, DockerTarget engine)
    {
        var writable = mounts.Where(m => !m.ReadOnly && m.Type is MountType.Bind or MountType.Volume).ToList();
        if (writable.Count == 0) return; // only the container's own files
        var verb = e.Kind switch
        {
            EffectKind.DeletePath => "deletes",
            EffectKind.OverwriteFile => "overwrites",
            EffectKind.AppendFile => "appends to",
            EffectKind.EmptyFile => "empties",
            EffectKind.DestroyContents => "destroys the contents of",
            EffectKind.MovePath => "moves",
            _ => "changes the permissions of",
        };
        if (e.Class == PathClass.Unknown || !e.Target.StartsWith('/') || writable.Any(m => m.Destination is null))
        {
            effects.Add(e with
            {
                Class = PathClass.Unknown,
                Description = $"runs `{code}` in a container with host directories mounted ({string.Join(", ", writable.Select(m => m.Spec))}); it {verb} `{e.Target}`, which may be on the host",
                Source = inv,
            });
            return;
        }
        // Strip glob components to find what the effect covers at least.
        var components = e.Target.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var firstGlob = Array.FindIndex(components, PathResolver.HasGlob);
        var fixedPrefix = firstGlob < 0 ? e.Target : "/" + string.Join('/', components[..firstGlob]);
        var deep = e.Recursive || firstGlob >= 0;

        var hits = new List<(Mount Mount, string HostPath, bool Glob)>();
        if (Covering(writable, fixedPrefix) is { } m)
        {
            var below = m.Destination == "/" ? e.Target : e.Target[m.Destination!.Length..];
            hits.Add((m, below, firstGlob >= 0));
        }
        else if (deep && e.Kind is EffectKind.DeletePath or EffectKind.DestroyContents or EffectKind.ChangePermissions)
        {
            // `rm -rf /` in the container reaches into every mount below it.
            foreach (var below in writable.Where(x => PathResolver.IsUnder(x.Destination!, fixedPrefix)))
                hits.Add((below, "", false));
        }
        foreach (var (mount, below, glob) in hits)
        {
            if (mount.Type == MountType.Volume)
            {
                if (e.Kind is EffectKind.DeletePath or EffectKind.DestroyContents or EffectKind.EmptyFile)
                    engine.Add(effects, EffectKind.DestroyData, $"volume {mount.Source}",
                        $"runs `{code}` in a container: it {verb} {(below.Length > 0 ? below.TrimStart('/') + " in " : "the contents of ")}{engine.Tool} volume `{mount.Source}` (mounted at {mount.Destination}); that data is lost",
                        [ctx.InferEnvironment("volume", mount.Source)]);
                continue;
            }
            if (mount.Source is null)
            {
                effects.Add(e with
                {
                    Target = mount.SourceText + below,
                    Class = PathClass.Unknown,
                    Description = $"runs `{code}` in a container: it {verb} `{mount.SourceText}{below}` on the host (mounted at {mount.Destination}), a path known only at run time",
                    Source = inv,
                });
                continue;
            }
            var host = PathResolver.Normalize(mount.Source + "/" + below);
            var t = ctx.Paths.Classify(host, glob, inv.Context);
            var what = t.Class switch
            {
                PathClass.Root => "the whole file system (/)",
                PathClass.Home => $"the home directory {t.Path}",
                PathClass.ProjectRoot => $"the whole project at {t.Path}",
                _ => t.Path,
            };
            effects.Add(new Effect(e.Kind, t.Path, t.Class, deep && !t.IsFile, false,
                $"runs `{code}` in a container: it {verb} {what}{(deep && !t.IsFile ? " and everything in it" : "")} on this machine (mounted at {mount.Destination})",
                inv, e.Detail ?? (t.Exists ? "exists" : null)));
        }
    }

    /// <summary>Shell code run in an existing container (exec, compose exec/run): its effects are real.</summary>
    private static void Nested(Invocation inv, KnowledgeContext ctx, List<Effect> effects, string code, string? workdir, string where, string via, DockerTarget engine, (TargetEnvironment, string?) extra)
    {
        var context = new ExecContext([workdir is not null && workdir.StartsWith('/') ? workdir : null], "/root", where, [.. inv.Context.Via, via]);
        var env = engine.Environment([extra]);
        foreach (var e in ctx.AnalyzeShellCode(code, context, inv))
            effects.Add(Kubectl.WithEnvironment(e, env));
    }

    // ------------------------------------------------------------ compose

    private static readonly HashSet<string> ComposeGlobalValued =
    [
        "-f", "--file", "-p", "--project-name", "--project-directory", "--env-file", "--profile", "--ansi", "--parallel",
        "--progress", "-H", "--host", "-c", "--context", "--log-level", "--tlscacert", "--tlscert", "--tlskey", "--podman-path",
        "--podman-args", "--podman-run-args",
    ];

    private static void Compose(Invocation inv, KnowledgeContext ctx, List<Effect> effects, int start, DockerTarget engine)
    {
        var args = inv.Args;
        var g = CliArgs.Parse(args, start, f => ComposeGlobalValued.Contains(f), stopAtPositional: true);
        var i = g.StoppedAt;
        if (i >= args.Count) return;
        var sub = args[i].Text;
        var rest = args.Skip(i + 1).ToList();
        if (g.Has("--help") || (sub is not ("exec" or "run") && rest.Any(a => a.Text == "--help"))) return;
        var project = g.Value("-p", "--project-name");
        var files = g.ValueArgs("-f", "--file").Select(a => a.Text).ToList();
        var compose = engine.WithCompose(g, project, files);
        var what = project is not null ? $"compose project `{project}`" : files.Count > 0 ? $"the compose project of {string.Join(", ", files.Select(f => $"`{f}`"))}" : "the compose project";

        switch (sub)
        {
            case "down":
            {
                var p = CliArgs.Parse(rest, 0, f => f is "--rmi" or "-t" or "--timeout");
                if (p.Has("-v", "--volumes"))
                    compose.Add(effects, EffectKind.DestroyData, "compose volumes",
                        $"stops {what}{compose.Where} and deletes its volumes (the named volumes declared in the compose file and anonymous ones), with all the data in them", []);
                compose.Change(effects, $"stops and removes the containers of {what}");
                return;
            }
            case "rm":
            {
                var p = CliArgs.Parse(rest, 0, _ => false);
                if (p.Has("-v", "--volumes"))
                    compose.Add(effects, EffectKind.DestroyData, "compose anonymous volumes",
                        $"removes the stopped containers of {what}{compose.Where} together with their anonymous volumes; the data in those volumes is lost", []);
                compose.Change(effects, $"removes the containers of {what}");
                return;
            }
            case "exec" or "run":
            {
                var p = CliArgs.Parse(rest, 0, f => f.StartsWith("--") ? RunValued.Contains(f) : f.Length == 2 && "elpuvw".Contains(f[1]), stopAtPositional: true);
                var words = rest.Skip(p.StoppedAt).ToList();
                if (sub == "run") compose.Change(effects, $"runs a one-off container of {what}");
                if (words.Count == 0) return;
                var command = words.Skip(1).ToList();
                if (sub == "run" && p.ValueArgs("--entrypoint").LastOrDefault() is { } entry) command.Insert(0, entry);
                if (command.Count == 0) return;
                Nested(inv, ctx, effects, CliArgs.JoinWords(command), p.Value("-w", "--workdir"), $"compose service {words[0].Text}",
                    $"compose {sub}", compose, ctx.InferEnvironment("service", words[0].Text));
                return;
            }
            case "up" or "stop" or "restart" or "kill" or "start" or "pause" or "unpause" or "create" or "scale" or "watch":
                compose.Change(effects, $"runs `compose {sub}` for {what}");
                return;
        }
    }

    // ------------------------------------------------------------ where it runs

    /// <summary>The Docker engine an invocation talks to (context, host, connection), the compose project, and how
    /// effects are described and placed there.</summary>
    private sealed class DockerTarget(Invocation inv, KnowledgeContext ctx, CliArgs global)
    {
        private readonly List<(TargetEnvironment, string?)> _extra = [];

        public string Tool => inv.Name is "podman" or "podman-compose" ? "Podman" : inv.Name is "nerdctl" ? "nerdctl" : "Docker";

        private string? ContextName => global.Value("-c", "--context", "--connection");
        private string? Host => global.Value("-H", "--host", "--url");

        /// <summary>Named explicitly: a context, a host or a compose name that can say which environment it is.</summary>
        private bool Named => ContextName is not null || Host is not null || _extra.Count > 0;

        public string Where =>
            ContextName is { } c ? $" on {Tool} context `{c}`" : Host is { } h ? $" on {Tool} host `{h}`" : "";

        public DockerTarget WithCompose(CliArgs g, string? project, List<string> files)
        {
            var merged = CliArgs.Parse([], 0, _ => false);
            merged.Flags.AddRange(global.Flags);
            merged.Flags.AddRange(g.Flags.Where(f => f.Name is "-H" or "--host" or "-c" or "--context"));
            var e = new DockerTarget(inv, ctx, merged);
            if (project is not null) e._extra.Add(ctx.InferEnvironment("compose project", project));
            foreach (var f in files) e._extra.Add(ctx.InferEnvironment("compose file", f));
            foreach (var f in g.ValueArgs("--env-file")) e._extra.Add(ctx.InferEnvironment("env file", f.Text));
            foreach (var f in g.ValueArgs("--profile")) e._extra.Add(ctx.InferEnvironment("compose profile", f.Text));
            return e;
        }

        public (TargetEnvironment, string?) Environment(IEnumerable<(TargetEnvironment, string?)> more) =>
            KnowledgeContext.Strictest(
            [
                ctx.InferEnvironment($"{Tool.ToLowerInvariant()} context", ContextName ?? inv.GetEnvironment("DOCKER_CONTEXT")),
                ctx.InferEnvironment($"{Tool.ToLowerInvariant()} host", Host ?? inv.GetEnvironment("DOCKER_HOST")),
                .. _extra,
                .. more,
            ]);

        public void Add(List<Effect> effects, EffectKind kind, string target, string description, IEnumerable<(TargetEnvironment, string?)> more)
        {
            var (env, evidence) = Environment(more);
            effects.Add(new Effect(kind, target, PathClass.Unknown, kind is not EffectKind.ChangeInfrastructure, kind is EffectKind.ChangeInfrastructure, description, inv)
            {
                Environment = env,
                EnvironmentEvidence = evidence,
            });
        }

        /// <summary>A state change on a named engine (it only matters, and is only reported, when production may be meant).</summary>
        public void Change(List<Effect> effects, string what, params (TargetEnvironment, string?)[] more)
        {
            if (!Named && more.All(m => m.Item2 is null || m.Item1 != TargetEnvironment.Production)) return;
            Add(effects, EffectKind.ChangeInfrastructure, what, $"{what}{Where}", more);
        }
    }
}
