Console.WriteLine("scheduler");
