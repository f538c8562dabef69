// The runtime's files this program compiles (see the project file) refer to each other by these namespaces.
global using Interlock.Runtime;
global using Interlock.Runtime.Adapters;
global using Interlock.Runtime.Daemon;
global using Interlock.Runtime.Pipeline;
