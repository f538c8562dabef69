return await Interlock.Server.ServerMain.RunAsync(args);
