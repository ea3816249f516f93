using Tessera.Ctl;

return CtlApp.Run(args, Console.In, Console.Out, Console.Error, SecretPrompt.Read);
