// The decision pipeline and its parts (src/Interlock.Runtime).
global using Interlock.Runtime;
global using Interlock.Runtime.Adapters;
global using Interlock.Runtime.Configuration;
global using Interlock.Runtime.Daemon;
global using Interlock.Runtime.Pipeline;
global using Interlock.Runtime.Stages;
global using Interlock.Runtime.World;
